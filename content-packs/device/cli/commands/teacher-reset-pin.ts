import { TeacherPinStore } from '../../../../electron/host/teacher-pin';
import { dataDirOf, has, type Command } from '../_shared';

/**
 * Offline recovery of a forgotten teacher PIN: whoever can run a command on this PC (the trust root
 * of the device) gets a one-time code; only its scrypt hash is stored. The teacher types it into
 * 教师 → 忘记密码 with a new PIN. Works while the app is running (the host reads the file per use).
 */
const command: Command = {
  usage: 'teachpoint teacher reset-pin [--data <dir>]',
  summary: '生成一次性重置码，用来在程序里重新设置教师密码（24 小时内有效） / print a one-time code to set a new teacher PIN in the app (valid 24 h)',
  flags: { values: [], booleans: [] },
  async run(args, io) {
    const store = new TeacherPinStore(dataDirOf(args));
    const { code, expiresAt } = await store.createResetCode();
    if (has(args, 'json')) {
      io.out(JSON.stringify({ code, expiresAt }));
      return 0;
    }
    io.out(`教师密码重置码 / teacher PIN reset code:  ${code}`);
    io.out(`有效期至 / valid until: ${expiresAt}（只能用一次 / works once）`);
    io.out('在教学点课堂中打开“教师” → “忘记密码？”，输入这个重置码和新密码。');
    io.out('In TeachPoint open “Teacher” → “Forgot the PIN?”, enter this code and a new PIN.');
    return 0;
  },
};
export default command;
