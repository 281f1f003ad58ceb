#!/usr/bin/env node
'use strict';
/**
 * CommonJS style module with JSDoc comments.
 * @param {string[]} argv
 */
const { readFile } = require('fs/promises');
const path = require('path');

const DEFAULTS = Object.freeze({
  verbose: false,
  retries: 3,
});

/** @returns {Promise<number>} */
async function run(argv = process.argv.slice(2)) {
  const opts = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '-v':
      case '--verbose':
        opts.verbose = true;
        break;
      case '--retries':
        opts.retries = parseInt(argv[++i], 10);
        break;
      default:
        throw new Error('unknown option ' + argv[i]);
    }
  }
  const text = await readFile(path.resolve(__dirname, 'README.md'), 'utf8');
  return text.split('\n').length;
}

module.exports = { run, DEFAULTS };
module.exports.default = run;

if (require.main === module) {
  run().then(
    (n) => { console.log(`${n} lines`); },
    (err) => { console.error(err); process.exitCode = 1; }
  );
}
