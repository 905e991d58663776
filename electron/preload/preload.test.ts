import { describe, expect, it, vi } from 'vitest';

const exposed = vi.hoisted(() => ({ calls: [] as Array<[string, unknown]> }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.calls.push([key, api]) },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn(), sendSync: vi.fn() },
}));

describe('preload entry', () => {
  it('exposes only the narrow API as window.teachpoint', async () => {
    await import('./preload');
    expect(exposed.calls).toHaveLength(1);
    const [key, api] = exposed.calls[0]!;
    expect(key).toBe('teachpoint');
    expect(Object.keys(api as object).sort()).toEqual(['apiVersion', 'call', 'pickFiles', 'subscribe']);
    expect(Object.values(api as object)).not.toContain(undefined);
  });
});
