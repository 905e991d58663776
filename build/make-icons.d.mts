export declare const ICON_SIZES: number[];
export declare const ICO_SIZES: number[];
export declare function encodeIco(images: Array<{ size: number; rgba: Uint8Array; png: Buffer }>): Buffer;
export declare function readIcoDirectory(buf: Buffer): Array<{ width: number; height: number; bytes: number; format: 'png' | 'bmp' }>;
