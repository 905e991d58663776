import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeBridge, sampleInfo, sampleStorage } from '../../test/fake-bridge';
import { renderApp, type Rendered } from '../../test/render';

let rendered: Rendered | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await rendered?.unmount();
  rendered = null;
});

describe('local service status', () => {
  it('turns "本机服务：正常" into a plain red failure with what to do when heartbeats stop, and back when they resume', async () => {
    const bridge = new FakeBridge({
      'app.info': async () => sampleInfo,
      'storage.usage': async () => sampleStorage,
      'drives.list': async () => [],
      'packs.list': async () => [],
      'materials.list': async () => [],
    });
    rendered = await renderApp(bridge);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await act(async () => bridge.emit('app.heartbeat', { at: new Date().toISOString() }));
    const text = () => rendered!.container.textContent ?? '';
    expect(text()).toContain('本机服务：正常');
    await act(async () => vi.advanceTimersByTime(29_000));
    expect(text()).toContain('本机服务：正常');
    await act(async () => vi.advanceTimersByTime(2_000));
    const alert = rendered.container.querySelector('.host-down');
    expect(alert?.getAttribute('role')).toBe('alert');
    expect(alert?.textContent).toContain('本机服务没有响应');
    expect(alert?.textContent).toContain('请关闭教学点课堂再重新打开');
    expect(text()).not.toContain('本机服务：正常');
    await act(async () => bridge.emit('app.heartbeat', { at: new Date().toISOString() }));
    expect(rendered.container.querySelector('.host-down')).toBeNull();
    expect(text()).toContain('本机服务：正常');
  });
});
