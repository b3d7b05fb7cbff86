import { expect } from 'chai';
import { percentile } from '../../src/purchases/processing-stats.js';

describe('processing-time percentiles (nearest rank, computed in code)', function () {
  it('picks the nearest-rank value and is null for no data', function () {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).to.equal(50);
    expect(percentile(values, 95)).to.equal(95);
    expect(percentile([7], 95)).to.equal(7);
    expect(percentile([1, 2, 3], 50)).to.equal(2);
    expect(percentile([], 50)).to.equal(null);
  });
});
