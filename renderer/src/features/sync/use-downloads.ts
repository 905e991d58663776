import { useEffect, useState } from 'react';
import type { DownloadState } from '../../../../common/bridge/methods/downloads';
import { useBridgeEvent, useServices } from '../../app/services';

/** The host's pack downloads, live: `downloads.list` once, then every `downloads.progress`. */
export function useDownloads(): DownloadState[] {
  const { bridge } = useServices();
  const [list, setList] = useState<DownloadState[]>([]);
  useEffect(() => {
    let live = true;
    bridge.call('downloads.list', {}).then(
      (l) => live && setList(l),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [bridge]);
  useBridgeEvent('downloads.progress', (d) => {
    setList((l) => {
      const i = l.findIndex((x) => x.packId === d.packId && x.version === d.version);
      if (i < 0) return [...l, d];
      const next = l.slice();
      next[i] = d;
      return next;
    });
  });
  return list;
}

/** Bytes the device still has to download (status line, device status). */
export function bytesStillToDownload(list: readonly DownloadState[]): number {
  return list.filter((d) => d.state !== 'installed').reduce((sum, d) => sum + Math.max(0, d.bytesTotal - d.bytesDone), 0);
}
