// For a supervisor (systemd, Docker HEALTHCHECK, cron): exits 0 when the heartbeat is fresh and ok, 1 otherwise.
// Usage: npm run health [-- <heartbeat file> [max age in seconds]]
import { readFileSync, statSync } from 'node:fs';

const file = process.argv[2] ?? process.env.HEARTBEAT_FILE ?? 'data/heartbeat.json';
const maxAge = Number(process.argv[3] ?? 120) * 1000;
try {
  const age = Date.now() - statSync(file).mtimeMs;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [
    ...(age > maxAge ? [`heartbeat ${Math.round(age / 1000)} s old (the bot is stopped or stuck)`] : []),
    ...(report.database?.ok ? [] : [`database unavailable (${report.database?.reason ?? 'unknown'}) since ${report.database?.since}`]),
    ...(report.channels ?? []).filter((c) => !c.ok).map((c) => `${c.name} not working (last contact ${c.lastContact ?? 'never'})`),
  ];
  console.log(problems.length ? `NOT OK: ${problems.join('; ')}` : `OK (${report.at})`);
  process.exit(problems.length ? 1 : 0);
} catch (error) {
  console.log(`NOT OK: no heartbeat at ${file} (${error.code ?? error.message})`);
  process.exit(1);
}
