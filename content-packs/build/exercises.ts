/**
 * Exercise sheets → manifest exercise items (QTI-3-shaped, see content-packs/format/manifest.ts).
 *
 * Two sources, one mapping:
 *   - CSV exported from Excel, one row per question, UTF-8 (with/without BOM) or GBK;
 *   - `*.exercises.yaml` with an `items:` list using the same field names.
 * Problems carry file, row (CSV line / YAML line) and column (CSV field index) and are all
 * collected — nothing is thrown for bad content.
 */
import { parseDocument, LineCounter, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { EXERCISE_ITEM_TYPES, type Choice, type ExerciseItem, type ExerciseItemType, type MasteryRule } from '../format/manifest';
import { decodeText } from '../media/text';
import { isBlankRecord, parseCsv, type CsvRecord } from './csv';
import { type BuildProblem, buildProblem } from './problems';

/** Canonical column keys and the header names accepted for them (compared case-insensitively, spaces ignored). */
export const COLUMNS = {
  id: ['编号', '题号', 'id', 'itemid'],
  type: ['题型', '类型', '题目类型', 'type', 'itemtype'],
  prompt: ['题目', '题干', '问题', 'prompt', 'question', 'stem'],
  options: ['选项', 'options', 'choices'],
  answer: ['答案', '正确答案', '参考答案', 'answer', 'answers', 'correct', 'key'],
  hint: ['提示', 'hint', 'hints'],
  explanation: ['解析', '讲解', '答案解析', 'explanation'],
  pinyin: ['拼音', 'pinyin'],
  tolerance: ['容差', '误差', '允许误差', 'tolerance'],
  unit: ['单位', 'unit'],
  image: ['图片', '配图', 'image', 'picture'],
  audio: ['音频', '朗读', '录音', 'audio', 'audioprompt'],
} as const;
export type ColumnKey = keyof typeof COLUMNS;
export const COLUMN_ZH: Record<ColumnKey, string> = {
  id: '编号', type: '题型', prompt: '题目', options: '选项', answer: '答案', hint: '提示', explanation: '解析',
  pinyin: '拼音', tolerance: '容差', unit: '单位', image: '图片', audio: '音频',
};

/** 题型 values accepted for each item type. */
export const TYPE_ALIASES: Record<ExerciseItemType, string[]> = {
  'single-choice': ['单选', '单选题', '选择', '选择题', '单项选择', '单项选择题', 'single', 'singlechoice', 'choice'],
  'multiple-choice': ['多选', '多选题', '多项选择', '多项选择题', 'multiple', 'multiplechoice', 'multi'],
  'true-false': ['判断', '判断题', '对错', '是非题', 'truefalse', 'tf', 'boolean'],
  'text-entry': ['填空', '填空题', '问答', 'text', 'textentry', 'fill', 'blank'],
  numeric: ['数值', '数值题', '计算', '计算题', '数字', 'numeric', 'number'],
  match: ['连线', '连线题', '配对', '配对题', '匹配', 'match', 'matching'],
  order: ['排序', '排序题', '排列', 'order', 'ordering', 'sequence'],
};

const squash = (s: string): string => toHalfWidth(s).toLowerCase().replace(/[\s_-]/g, '');

/** 全角 → 半角 (ＡＢＣ１２３，。 → ABC123,.) and ideographic space → space. */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

const TYPE_LOOKUP = new Map<string, ExerciseItemType>();
for (const t of EXERCISE_ITEM_TYPES) {
  TYPE_LOOKUP.set(squash(t), t);
  for (const a of TYPE_ALIASES[t]) TYPE_LOOKUP.set(squash(a), t);
}
const COLUMN_LOOKUP = new Map<string, ColumnKey>();
for (const [key, names] of Object.entries(COLUMNS) as [ColumnKey, readonly string[]][]) {
  COLUMN_LOOKUP.set(squash(key), key);
  for (const n of names) COLUMN_LOOKUP.set(squash(n), key);
}

export function itemTypeOf(value: string): ExerciseItemType | undefined {
  return TYPE_LOOKUP.get(squash(value));
}

/** A question as raw strings, wherever it came from, with the location of each field. */
export interface RawItem {
  fields: Partial<Record<ColumnKey, string>>;
  /** Where each field is (for problems). */
  at: (key: ColumnKey | null) => { row?: number; column?: number };
  /** Index (1-based) of the item in its file, for generated ids. */
  index: number;
}

/** An item plus the media files it points at (relative to the exercise file), resolved by the builder. */
export interface DraftItem {
  item: ExerciseItem;
  media: { image?: string; audio?: string };
  /** Location of the image/audio fields, for "missing file" problems. */
  mediaAt: { image?: { row?: number; column?: number }; audio?: { row?: number; column?: number } };
}

export interface DraftExerciseSet {
  file: string;
  title?: string;
  mastery?: MasteryRule;
  items: DraftItem[];
}

const LIST_SPLIT = /\s*[|｜]\s*/;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function splitList(value: string): string[] {
  return value.split(LIST_SPLIT).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** "A. 3" / "A、3" / "A：3" / "(A) 3" → {id:'A', text:'3'}; plain "3" → auto id. */
function parseOptions(value: string): Choice[] {
  const parts = splitList(value);
  const labelled = parts.map((p) => /^[(（]?([A-Za-zＡ-Ｚａ-ｚ])[)）]?\s*[.．、:：)）]\s*(.+)$/.exec(p));
  const allLabelled = parts.length > 0 && labelled.every(Boolean);
  return parts.map((p, i) => {
    if (allLabelled) {
      const m = labelled[i]!;
      return { id: toHalfWidth(m[1]!).toUpperCase(), text: m[2]!.trim() };
    }
    return { id: LETTERS[i] ?? `O${i + 1}`, text: p };
  });
}

/** Answer tokens: "AC", "A,C", "A、C", "A|C", "A C" → ['A','C'] when every token is a known id. */
function answerIds(value: string, choices: Choice[], allowMany: boolean): string[] | null {
  const v = toHalfWidth(value).trim();
  const ids = new Set(choices.map((c) => c.id));
  const byText = new Map(choices.map((c) => [squash(c.text), c.id]));
  const tokens = v.split(/\s*[,，、;；|｜\s]\s*/).filter(Boolean);
  const resolve = (t: string): string | undefined => (ids.has(t.toUpperCase()) ? t.toUpperCase() : byText.get(squash(t)));
  if (tokens.length === 1 && allowMany && /^[A-Za-z]{2,}$/.test(tokens[0]!) && !byText.has(squash(tokens[0]!))) {
    // "ACD"
    const letters = tokens[0]!.toUpperCase().split('');
    return letters.every((l) => ids.has(l)) ? letters : null;
  }
  const out: string[] = [];
  for (const t of tokens) {
    const id = resolve(t);
    if (!id) return null;
    out.push(id);
  }
  if (out.length === 0) return null;
  if (!allowMany && out.length !== 1) {
    const whole = resolve(v);
    return whole ? [whole] : null;
  }
  return out;
}

const TRUE_WORDS = new Set(['对', '√', '✓', '✔', '正确', '是', 't', 'true', 'y', 'yes', '1', 'v']);
const FALSE_WORDS = new Set(['错', '×', '✗', '✘', 'x', '错误', '否', '不对', 'f', 'false', 'n', 'no', '0']);

/** Parses "3", "-2.5", "１２", "1/2", "3 厘米" (when unit given). */
export function parseNumber(value: string, unit?: string): number | null {
  let v = toHalfWidth(value).trim().replace(/，/g, ',');
  if (unit && v.endsWith(toHalfWidth(unit))) v = v.slice(0, -toHalfWidth(unit).length).trim();
  if (/^[-+]?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(v)) return Number(v.replace(/,/g, ''));
  const frac = /^([-+]?\d+)\s*\/\s*(\d+)$/.exec(v);
  if (frac && Number(frac[2]) !== 0) return Number(frac[1]) / Number(frac[2]);
  return null;
}

/** Turns one raw question into an item; problems are pushed, null returned when unusable. */
export function buildItem(raw: RawItem, file: string, problems: BuildProblem[], idPrefix = 'q'): DraftItem | null {
  const f = raw.fields;
  const where = (key: ColumnKey | null) => ({ file, ...raw.at(key), ...(key ? { field: COLUMN_ZH[key] } : {}) });
  const bad = (key: ColumnKey | null, code: 'build.bad-answer' | 'build.bad-item' | 'build.unknown-item-type', zh: string, en: string) => {
    problems.push(buildProblem(code, { zh, en }, where(key)));
  };
  const before = problems.length;
  const typeText = (f.type ?? '').trim();
  const prompt = (f.prompt ?? '').trim();
  if (!typeText) {
    bad('type', 'build.unknown-item-type', '缺少题型（题型一列为空）。可填：单选、多选、判断、填空、数值、连线、排序', 'Missing item type (题型/type is empty). Use one of: single-choice, multiple-choice, true-false, text-entry, numeric, match, order');
    return null;
  }
  const type = itemTypeOf(typeText);
  if (!type) {
    bad('type', 'build.unknown-item-type', `未知题型“${typeText}”。可填：单选、多选、判断、填空、数值、连线、排序`, `Unknown item type "${typeText}". Use one of: single-choice, multiple-choice, true-false, text-entry, numeric, match, order (or the Chinese names)`);
    return null;
  }
  if (!prompt) bad('prompt', 'build.bad-item', '题目为空', 'The question (题目/prompt) is empty');
  const idRaw = (f.id ?? '').trim();
  const id = idRaw ? (/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(idRaw) ? idRaw : null) : `${idPrefix}${raw.index}`;
  if (id === null) bad('id', 'build.bad-item', `编号“${idRaw}”无效：只能用字母、数字、“.”“-”“_”“:”`, `Item id "${idRaw}" is invalid: use letters, digits, ".", "-", "_", ":"`);
  const answer = (f.answer ?? '').trim();
  const base = {
    id: id ?? `${idPrefix}${raw.index}`,
    prompt: prompt || '?',
    hints: f.hint ? splitList(f.hint) : [],
    ...(f.pinyin?.trim() ? { pinyin: f.pinyin.trim() } : {}),
    ...(f.explanation?.trim() ? { explanation: f.explanation.trim() } : {}),
  };
  let item: ExerciseItem | null = null;
  const needAnswer = (): boolean => {
    if (answer) return true;
    bad('answer', 'build.bad-answer', '缺少答案', 'The answer (答案/answer) is empty');
    return false;
  };

  switch (type) {
    case 'single-choice':
    case 'multiple-choice': {
      const choices = parseOptions(f.options ?? '');
      if (choices.length < 2) {
        bad('options', 'build.bad-item', '选择题至少需要两个选项，用 | 分隔，如“A. 3|B. 4|C. 5”', 'A choice item needs at least two options separated by |, e.g. "A. 3|B. 4|C. 5"');
        break;
      }
      if (!needAnswer()) break;
      const ids = answerIds(answer, choices, type === 'multiple-choice');
      if (!ids) {
        bad('answer', 'build.bad-answer', `答案“${answer}”不是已有的选项（选项为 ${choices.map((c) => c.id).join('、')}）`, `Answer "${answer}" is not one of the options (${choices.map((c) => c.id).join(', ')})`);
        break;
      }
      item = type === 'single-choice' ? { ...base, type, choices, correct: ids[0]! } : { ...base, type, choices, correct: [...new Set(ids)] };
      break;
    }
    case 'true-false': {
      if (!needAnswer()) break;
      const a = squash(answer);
      const correct = TRUE_WORDS.has(a) ? true : FALSE_WORDS.has(a) ? false : null;
      if (correct === null) {
        bad('answer', 'build.bad-answer', `判断题答案“${answer}”无效，请填“对”或“错”（也可用 √ ×）`, `True/false answer "${answer}" is invalid; use 对/错, √/×, true/false`);
        break;
      }
      item = { ...base, type, correct };
      break;
    }
    case 'text-entry': {
      if (!needAnswer()) break;
      item = { ...base, type, accepted: splitList(answer), normalize: { ignoreWidth: true, ignoreCase: true, ignoreWhitespace: true } };
      break;
    }
    case 'numeric': {
      if (!needAnswer()) break;
      const unit = f.unit?.trim() || undefined;
      const value = parseNumber(answer, unit);
      if (value === null) {
        bad('answer', 'build.bad-answer', `数值题答案“${answer}”不是数字`, `Numeric answer "${answer}" is not a number`);
        break;
      }
      let tolerance = 0;
      if (f.tolerance?.trim()) {
        const t = parseNumber(f.tolerance);
        if (t === null || t < 0) {
          bad('tolerance', 'build.bad-answer', `容差“${f.tolerance}”必须是不小于 0 的数`, `Tolerance "${f.tolerance}" must be a number ≥ 0`);
          break;
        }
        tolerance = t;
      }
      item = { ...base, type, answer: value, tolerance, ...(unit ? { unit } : {}) };
      break;
    }
    case 'match': {
      const parts = splitList(f.options ?? '');
      const pairs = parts.map((p) => p.split(/\s*[=＝]\s*/));
      if (parts.length < 2 || pairs.some((p) => p.length !== 2 || !p[0] || !p[1])) {
        bad('options', 'build.bad-answer', '连线题的选项应写成“左=右”并用 | 分隔，如“苹果=apple|香蕉=banana”', 'Match options must be "left=right" pairs separated by |, e.g. "苹果=apple|香蕉=banana"');
        break;
      }
      const left = pairs.map((p, i) => ({ id: `L${i + 1}`, text: p[0]! }));
      const right = pairs.map((p, i) => ({ id: `R${i + 1}`, text: p[1]! }));
      item = { ...base, type, left, right, pairs: pairs.map((_, i) => ({ left: `L${i + 1}`, right: `R${i + 1}` })) };
      break;
    }
    case 'order': {
      const choices = parseOptions(f.options ?? '');
      if (choices.length < 2) {
        bad('options', 'build.bad-item', '排序题至少需要两个选项，用 | 分隔', 'An order item needs at least two options separated by |');
        break;
      }
      if (!needAnswer()) break;
      const seq = answerIds(answer, choices, true);
      if (!seq || seq.length !== choices.length || new Set(seq).size !== seq.length) {
        bad('answer', 'build.bad-answer', `排序题答案“${answer}”必须把每个选项（${choices.map((c) => c.id).join('、')}）各列一次，如“CAB”`, `Order answer "${answer}" must list every option (${choices.map((c) => c.id).join(', ')}) exactly once, e.g. "CAB"`);
        break;
      }
      item = { ...base, type, choices, sequence: seq };
      break;
    }
  }
  if (!item || problems.length > before) return null;
  const media: DraftItem['media'] = {};
  const mediaAt: DraftItem['mediaAt'] = {};
  if (f.image?.trim()) {
    media.image = f.image.trim();
    mediaAt.image = raw.at('image');
  }
  if (f.audio?.trim()) {
    media.audio = f.audio.trim();
    mediaAt.audio = raw.at('audio');
  }
  return { item, media, mediaAt };
}

/** Reads a CSV sheet (bytes in UTF-8 ± BOM or GBK). `file` is how problems name it. */
export function parseExerciseCsv(bytes: Uint8Array, file: string, problems: BuildProblem[]): DraftExerciseSet {
  const { text } = decodeText(bytes);
  const csv = parseCsv(text);
  for (const p of csv.problems) {
    const zh = { 'quote-in-unquoted-field': '未加引号的字段中出现了引号', 'text-after-closing-quote': '右引号后还有多余的字符', 'unterminated-quote': '引号没有闭合（缺少右引号）' }[p.kind];
    const en = { 'quote-in-unquoted-field': 'a quote inside an unquoted field', 'text-after-closing-quote': 'text after a closing quote', 'unterminated-quote': 'a quoted field is never closed' }[p.kind];
    problems.push(buildProblem('build.csv-syntax', { zh: `CSV 格式错误：${zh}。请在 Excel 中重新“另存为 CSV”`, en: `CSV syntax error: ${en}. Save the sheet as CSV again from Excel` }, { file, row: p.row, column: p.column }));
  }
  for (const record of csv.records) {
    for (const cell of record.cells) {
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.exec(cell.value);
      if (!bad) continue;
      const u = `U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      problems.push(
        buildProblem(
          'build.control-character',
          { zh: `单元格中有不可见的控制字符（${u}），通常是从其他软件复制时带入的。请删除这个单元格的内容后重新输入`, en: `The cell contains an invisible control character (${u}), usually pasted in from another program. Clear the cell and type it again` },
          { file, row: cell.row, column: cell.column },
          { char: u },
        ),
      );
      cell.value = cell.value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, ''); // eslint-disable-line no-control-regex
    }
  }
  const records = csv.records.filter((r) => !isBlankRecord(r));
  const set: DraftExerciseSet = { file, items: [] };
  const header = records[0];
  if (!header) {
    problems.push(buildProblem('build.bad-item', { zh: '练习表是空的', en: 'The exercise sheet is empty' }, { file }));
    return set;
  }
  const columns = new Map<number, ColumnKey>();
  for (const cell of header.cells) {
    const key = COLUMN_LOOKUP.get(squash(cell.value));
    if (key) {
      if ([...columns.values()].includes(key)) {
        problems.push(buildProblem('build.csv-header', { zh: `表头“${cell.value}”重复`, en: `Header "${cell.value}" appears twice` }, { file, row: cell.row, column: cell.column }));
      }
      columns.set(cell.column, key);
    } else if (cell.value.trim()) {
      problems.push(
        buildProblem(
          'build.csv-header',
          { zh: `未知表头“${cell.value}”。可用的表头：${Object.values(COLUMN_ZH).join('、')}`, en: `Unknown header "${cell.value}". Known headers: ${Object.keys(COLUMNS).join(', ')} (or the Chinese names)` },
          { file, row: cell.row, column: cell.column },
        ),
      );
    }
  }
  const keys = new Set(columns.values());
  for (const required of ['type', 'prompt'] as const) {
    if (!keys.has(required)) {
      problems.push(buildProblem('build.csv-header', { zh: `缺少“${COLUMN_ZH[required]}”列`, en: `Missing the "${required}" (${COLUMN_ZH[required]}) column` }, { file, row: header.row }));
    }
  }
  if (!keys.has('type') || !keys.has('prompt')) return set;
  const columnOf = new Map<ColumnKey, number>([...columns.entries()].map(([c, k]) => [k, c]));
  records.slice(1).forEach((record: CsvRecord, i) => {
    const fields: RawItem['fields'] = {};
    for (const cell of record.cells) {
      const key = columns.get(cell.column);
      if (key) fields[key] = cell.value;
      else if (cell.value.trim() && cell.column > header.cells.length) {
        problems.push(buildProblem('build.csv-syntax', { zh: '这一行的列数比表头多（可能有未加引号的逗号）', en: 'This row has more fields than the header (an unquoted comma?)' }, { file, row: record.row, column: cell.column }));
      }
    }
    const raw: RawItem = {
      fields,
      index: i + 1,
      at: (key) => ({ row: record.row, ...(key && columnOf.has(key) ? { column: columnOf.get(key)! } : {}) }),
    };
    const item = buildItem(raw, file, problems);
    if (item) set.items.push(item);
  });
  if (records.length === 1) {
    problems.push(buildProblem('build.bad-item', { zh: '练习表只有表头，没有题目', en: 'The exercise sheet has a header but no questions' }, { file, row: header.row }));
  }
  return set;
}

/** A YAML value of the wrong kind (a mapping or list where text belongs), named by file, field and line. */
function fieldTypeProblem(file: string, field: string, value: unknown, row: number | undefined): BuildProblem {
  const kind = Array.isArray(value) ? { zh: '列表', en: 'a list' } : { zh: '映射（key: value）', en: 'a mapping (key: value)' };
  return buildProblem(
    'build.bad-field-type',
    { zh: `字段“${field}”应是文字，但这里是${kind.zh}。请改成一段文字（含冒号等符号时用引号括起来）`, en: `Field "${field}" must be text, but it is ${kind.en}. Write it as text (quote it if it contains a colon)` },
    { file, field, ...(row ? { row } : {}) },
  );
}

/** Reads a `*.exercises.yaml` sheet. */
export function parseExerciseYaml(text: string, file: string, problems: BuildProblem[]): DraftExerciseSet {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const set: DraftExerciseSet = { file, items: [] };
  const lineOf = (node: YamlNode | null | undefined): number | undefined => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined);
  for (const err of doc.errors) {
    const pos = err.linePos?.[0];
    problems.push(buildProblem('build.yaml-syntax', { zh: `YAML 格式错误：${err.message}`, en: `YAML syntax error: ${err.message}` }, { file, ...(pos ? { row: pos.line, column: pos.col } : {}) }));
  }
  if (doc.errors.length > 0) return set;
  const root = doc.contents;
  if (!isMap(root)) {
    problems.push(buildProblem('build.bad-item', { zh: '练习文件应包含 title、items 等字段', en: 'An exercise file must be a mapping with title, items, …' }, { file }));
    return set;
  }
  const json = root.toJSON() as Record<string, unknown>;
  const title: unknown = json.title;
  if (typeof title === 'string' && title.trim()) set.title = title.trim();
  else if (title !== undefined && title !== null && typeof title !== 'string') {
    const row = lineOf(root.get('title', true) as YamlNode);
    problems.push(fieldTypeProblem(file, 'title', title, row));
  }
  const mastery = parseMastery(json.mastery, file, lineOf(root.get('mastery', true) as YamlNode), problems);
  if (mastery) set.mastery = mastery;
  const items = root.get('items', true);
  if (!isSeq(items) || items.items.length === 0) {
    problems.push(buildProblem('build.bad-item', { zh: '练习文件缺少 items 列表', en: 'The exercise file has no items list' }, { file, ...(lineOf(root as YamlNode) ? { row: lineOf(root as YamlNode)! } : {}) }));
    return set;
  }
  items.items.forEach((node, i) => {
    const itemLine = lineOf(node as YamlNode);
    if (!isMap(node)) {
      problems.push(buildProblem('build.bad-item', { zh: `第 ${i + 1} 题不是一个映射（key: value）`, en: `Item ${i + 1} is not a mapping` }, { file, ...(itemLine ? { row: itemLine } : {}) }));
      return;
    }
    const fields: RawItem['fields'] = {};
    const lines = new Map<ColumnKey, number>();
    for (const pair of node.items) {
      const keyName = String((pair.key as { value?: unknown })?.value ?? pair.key);
      const key = COLUMN_LOOKUP.get(squash(keyName));
      const valueNode = pair.value as YamlNode | null;
      const line = lineOf(valueNode) ?? lineOf(pair.key as YamlNode);
      if (!key) {
        problems.push(buildProblem('build.bad-item', { zh: `未知字段“${keyName}”`, en: `Unknown field "${keyName}"` }, { file, ...(line ? { row: line } : {}) }));
        continue;
      }
      const json = (valueNode as { toJSON?: () => unknown } | null)?.toJSON?.() ?? (valueNode as { value?: unknown } | null)?.value;
      if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
        problems.push(fieldTypeProblem(file, keyName, json, line));
        continue;
      }
      fields[key] = Array.isArray(json)
        ? json.map((v) => (v && typeof v === 'object' ? Object.entries(v as Record<string, unknown>).map(([l, r]) => `${l}=${String(r)}`).join('|') : String(v))).join('|')
        : typeof json === 'boolean'
          ? json ? '对' : '错'
          : json === null || json === undefined ? '' : String(json);
      if (line) lines.set(key, line);
    }
    const raw: RawItem = { fields, index: i + 1, at: (key) => ({ ...((key && lines.get(key)) || itemLine ? { row: (key && lines.get(key)) || itemLine! } : {}) }) };
    const item = buildItem(raw, file, problems);
    if (item) set.items.push(item);
  });
  return set;
}

/** `{type:'m-of-n', m, n}` / `{type:'n-in-a-row', n}` / "4/5" / "3连对". */
export function parseMastery(value: unknown, file: string, row: number | undefined, problems: BuildProblem[]): MasteryRule | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const v = toHalfWidth(value).trim();
    const mofn = /^(\d+)\s*\/\s*(\d+)$/.exec(v);
    if (mofn && Number(mofn[1]) >= 1 && Number(mofn[1]) <= Number(mofn[2])) return { type: 'm-of-n', m: Number(mofn[1]), n: Number(mofn[2]) };
    const row3 = /^(\d+)\s*(连对|in-a-row|inarow)$/.exec(v);
    if (row3 && Number(row3[1]) >= 1) return { type: 'n-in-a-row', n: Number(row3[1]) };
  } else if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'm-of-n' && Number.isInteger(o.m) && Number.isInteger(o.n) && (o.m as number) >= 1 && (o.m as number) <= (o.n as number)) return { type: 'm-of-n', m: o.m as number, n: o.n as number };
    if (o.type === 'n-in-a-row' && Number.isInteger(o.n) && (o.n as number) >= 1) return { type: 'n-in-a-row', n: o.n as number };
  }
  problems.push(
    buildProblem(
      'build.bad-mastery',
      { zh: `掌握规则“${JSON.stringify(value)}”无效。写法如“4/5”（5 题中对 4 题）或“3连对”`, en: `Mastery rule ${JSON.stringify(value)} is invalid. Write e.g. "4/5" (4 of 5) or "3 in-a-row"` },
      { file, ...(row ? { row } : {}) },
    ),
  );
  return undefined;
}

/** Default mastery: 4 of the last 5 answers correct (or all of them for shorter sets). */
export function defaultMastery(itemCount: number): MasteryRule {
  const n = Math.max(1, Math.min(5, itemCount));
  return { type: 'm-of-n', m: Math.max(1, Math.ceil(n * 0.8)), n };
}
