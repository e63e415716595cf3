'use strict';
// The spec reporter, plus the suite's totals appended as one JSON line to $TEST_TOTALS_FILE,
// so scripts/test.sh can print one "N passed, M failed" line across every suite.
const fs = require('node:fs');
const Mocha = require('mocha');

class TotalsReporter extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const file = process.env.TEST_TOTALS_FILE;
            if (file) {
                const { passes, failures, pending } = runner.stats;
                fs.appendFileSync(file, `${JSON.stringify({ suite: process.env.TEST_SUITE ?? 'mocha', passes, failures, pending })}\n`);
            }
        });
    }
}

module.exports = TotalsReporter;
