// node --import ./tests/helpers/moduleLog.mjs …: writes to $MODULE_LOG every module the process loads,
// ES modules as they are resolved and CommonJS ones (require.cache) when it exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

register('./moduleLogHooks.mjs', import.meta.url);
const require = createRequire(import.meta.url);
process.on('exit', () => {
  if (process.env.MODULE_LOG) appendFileSync(process.env.MODULE_LOG, Object.keys(require.cache).map((file) => `${file}\n`).join(''));
});
