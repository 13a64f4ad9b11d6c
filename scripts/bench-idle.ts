/**
 * npm run bench:idle [-- --runs 3]: the compiled bot's resident memory once started and idle, in the
 * terminal trial (WhatsApp off, no Telegram token, a database in a temporary folder, the trial's web
 * workspace on), next to a bare `node -e` process measured in the same run (the floor).
 * Each run: start, wait for the terminal's ready line, let it idle 5 s, then read VmRSS of the node
 * process (/proc/<pid>/status) 10 times, 0.5 s apart, and keep the median. The figure is the median of
 * the runs. Linux only (/proc). The bot runs with the node options of package.json's start script;
 * BENCH_NODE_ARGS="" (or other options) replaces them, to compare.
 */
import { spawn } from 'node:child_process';
import { ensureBuilt, readyLine, rssKb, startCompiledBot } from './compiledBot.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (kb: number) => Math.round(kb / 1024);

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const SETTLE_MS = 5_000;
const SAMPLES = 10;

async function samples(pid: number): Promise<number> {
  const kb: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    kb.push(rssKb(pid));
    await sleep(500);
  }
  return median(kb);
}

async function idleBot(): Promise<{ kb: number; readyMs: number }> {
  const started = Date.now();
  const bot = startCompiledBot(process.env.BENCH_NODE_ARGS === undefined ? {} : { nodeArgs: process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean) });
  try {
    await bot.waitFor(readyLine('fr'), 60_000);
    const readyMs = Date.now() - started;
    await sleep(SETTLE_MS);
    return { kb: await samples(bot.pid), readyMs };
  } finally {
    await bot.stop();
  }
}

async function floor(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(1_000);
    return await samples(child.pid!);
  } finally {
    child.kill();
  }
}

ensureBuilt();
const bots: number[] = [];
for (let i = 1; i <= runs; i++) {
  const { kb, readyMs } = await idleBot();
  bots.push(kb);
  console.log(`run ${i}: rss ${mb(kb)} MB, ready after ${(readyMs / 1000).toFixed(1)} s`);
}
const floorKb = await floor();
console.log(`rss idle: ${mb(median(bots))} MB`);
console.log(`floor: ${mb(floorKb)} MB`);
