import { TeacherPinStore } from '../../../../electron/host/teacher-pin';
import { defineCommand, jsonArg } from '../../../cli/_shared';
import { dataArg, dataDirOf } from '../_shared';

/**
 * Offline recovery of a forgotten teacher PIN: whoever can run a command on this PC (the trust root
 * of the device) gets a one-time code; only its scrypt hash is stored. The teacher types it into
 * 教师 → 忘记密码 with a new PIN. Works while the app is running (the host reads the file per use).
 */
export default defineCommand({
  meta: {
    name: 'teacher reset-pin',
    usage: 'teacher reset-pin [--data <dir>] [--json]',
    description: { zh: '生成一次性重置码，用来在程序里重新设置教师密码（24 小时内有效）', en: 'Print a one-time code to set a new teacher PIN in the app (valid 24 h)' },
  },
  args: { ...dataArg, ...jsonArg },
  async run({ values, io }) {
    const store = new TeacherPinStore(dataDirOf(values, io));
    const { code, expiresAt } = await store.createResetCode();
    if (values.json) {
      io.stdout.write(JSON.stringify({ code, expiresAt }) + '\n');
      return 0;
    }
    io.stdout.write(
      [
        `教师密码重置码 / teacher PIN reset code:  ${code}`,
        `有效期至 / valid until: ${expiresAt}（只能用一次 / works once）`,
        '在教学点课堂中打开“教师” → “忘记密码？”，输入这个重置码和新密码。',
        'In TeachPoint open “Teacher” → “Forgot the PIN?”, enter this code and a new PIN.',
      ].join('\n') + '\n',
    );
    return 0;
  },
});
