/**
 * Errors that survive a process hop (VS Code's FileSystemProviderErrorCode idea): every error
 * the user can see carries a string-literal `code` plus a Chinese and an English message that
 * say what happened and what to do. Callers branch on `code`, never on message text.
 */
export interface LocalizedText {
  zh: string;
  en: string;
}

export interface TeachPointErrorData {
  code: string;
  message: LocalizedText;
  /** Machine-readable extras (file, row, column, expected hash, …). Must be JSON-serialisable. */
  details?: Record<string, unknown>;
}

export class TeachPointError extends Error {
  readonly code: string;
  readonly localized: LocalizedText;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: LocalizedText, details?: Record<string, unknown>) {
    super(`${message.en} / ${message.zh}`);
    this.name = `TeachPointError(${code})`;
    this.code = code;
    this.localized = message;
    if (details !== undefined) this.details = details;
  }

  toData(): TeachPointErrorData {
    const data: TeachPointErrorData = { code: this.code, message: this.localized };
    if (this.details !== undefined) data.details = this.details;
    return data;
  }

  static fromData(data: TeachPointErrorData): TeachPointError {
    return new TeachPointError(data.code, data.message, data.details);
  }
}

export function isTeachPointError(value: unknown): value is TeachPointError {
  return value instanceof TeachPointError;
}

/** "中文 / English" on one line — what CLIs print. */
export function formatBilingual(text: LocalizedText): string {
  return `${text.zh} / ${text.en}`;
}
