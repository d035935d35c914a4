// Prints how many tests ran in each jest project (unit, each database, e2e),
// then one plain closing line with the totals.
class PerDatabaseReporter {
  onRunComplete(_contexts, results) {
    const byProject = new Map();
    for (const file of results.testResults) {
      const name = (file.displayName && (file.displayName.name || file.displayName)) || 'failed to load';
      const row = byProject.get(name) || { passed: 0, failed: 0, skipped: 0, files: 0 };
      row.passed += file.numPassingTests;
      row.failed += file.numFailingTests + (file.testExecError ? 1 : 0);
      row.skipped += file.numPendingTests + file.numTodoTests;
      row.files += 1;
      byProject.set(name, row);
    }
    const lines = ['', 'Tests per suite:'];
    for (const [name, r] of byProject) {
      lines.push(`  ${name.padEnd(9)} ${String(r.passed).padStart(4)} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''} (${r.files} files)`);
    }
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    lines.push('', `${results.numPassedTests} passed, ${failed} failed`, '');
    process.stdout.write(lines.join('\n'));
  }
}
module.exports = PerDatabaseReporter;
