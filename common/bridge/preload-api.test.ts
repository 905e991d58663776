import { describe, expect, expectTypeOf, it } from 'vitest';
import { bridgeEventNames, bridgeMethodNames, isBridgeEventName, type BridgeEventName, type BridgeMethodName } from './contract';
import { BRIDGE_EVENT_NAME_LIST, BRIDGE_METHOD_NAME_LIST, isBridgeEventNameLite, type BridgeEventNameLite, type BridgeMethodNameLite } from './preload-api';

// Compile-time: `npm run typecheck` (tsconfig.tools.json) fails when a name is added to one side only.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodsMatch: Same<BridgeMethodNameLite, BridgeMethodName> = true;
const eventsMatch: Same<BridgeEventNameLite, BridgeEventName> = true;

describe('names-only bridge module (what the preload may import)', () => {
  it('lists exactly the contract’s method and event names (type and value)', () => {
    expect(methodsMatch && eventsMatch).toBe(true);
    expectTypeOf<BridgeMethodNameLite>().toEqualTypeOf<BridgeMethodName>();
    expectTypeOf<BridgeEventNameLite>().toEqualTypeOf<BridgeEventName>();
    expect([...BRIDGE_METHOD_NAME_LIST].sort()).toEqual([...bridgeMethodNames].sort());
    expect([...BRIDGE_EVENT_NAME_LIST].sort()).toEqual([...bridgeEventNames].sort());
    expect(new Set(BRIDGE_METHOD_NAME_LIST).size).toBe(BRIDGE_METHOD_NAME_LIST.length);
  });

  it('isBridgeEventNameLite answers like the contract’s isBridgeEventName', () => {
    for (const name of [...bridgeEventNames, ...bridgeMethodNames, 'teachpoint:call', '__proto__', 'constructor', '', 42, null, undefined]) {
      expect(isBridgeEventNameLite(name)).toBe(isBridgeEventName(name));
    }
  });
});
