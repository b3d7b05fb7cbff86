'use strict';
// Mocha's spec output, then what CI reads: the server the run proved things on, the tests skipped
// for a missing capability, and the closing line `N passed, N failed, N skipped`.
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on(EVENT_TEST_PASS, () => passed++);
    runner.on(EVENT_TEST_FAIL, () => failed++);
    runner.on(EVENT_TEST_PENDING, () => skipped++);
    runner.once(EVENT_RUN_END, () => {
      const run = globalThis.__checkoutRewardsTestRun || { capabilitySkips: [] };
      const caps = run.mongo && run.mongo.capabilities;
      const lines = ['', '== Test summary =='];
      if (caps) {
        const server = caps.kind === 'replset-front' ? run.mongo.description : `${run.mongo.description} — ${caps.kind} ${caps.version}`;
        lines.push(`MongoDB: ${server}; transactions: ${caps.transactions ? 'yes' : 'NO'}`);
        if (caps.kind === 'replset-front') {
          lines.push('NOTE: this run did NOT use real MongoDB but the replica-set front over FerretDB: transactions are serial');
          lines.push('      (stronger than snapshot isolation; write conflicts only injected), there are no change streams.');
        } else if (caps.kind !== 'mongodb') {
          lines.push('NOTE: this run did NOT use real MongoDB; the skipped guarantees below were not proven.');
        }
      } else {
        lines.push('MongoDB: none used in this run');
      }
      lines.push(`Skipped for a missing capability: ${run.capabilitySkips.length}`);
      for (const s of run.capabilitySkips) lines.push(`  - ${s.test}: ${s.reason}`);
      lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
      this.summary = lines.join('\n') + '\n';
    });
  }

  // Mocha calls done() after the run's end event and before it exits.
  done(failures, fn) {
    process.stdout.write(this.summary || '');
    fn(failures);
  }
}

module.exports = SummaryReporter;
