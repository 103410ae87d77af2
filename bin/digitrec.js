#!/usr/bin/env node
// The `digitrec` command: the compiled CLI in dist/ (built by `npm install` through `prepare`).
import('../dist/cli/main.js').then((m) => m.main(process.argv.slice(2)));
