import { WriteBudget } from './write-budget';

describe('WriteBudget', () => {
  it('grants up to the budget per window and counts what it refused', () => {
    const budget = new WriteBudget(3, 1000);
    expect([budget.take(0), budget.take(10), budget.take(20)]).toEqual([0, 0, 0]);
    expect(budget.take(30)).toBeNull();
    expect(budget.take(999)).toBeNull();
    // A new window: the first write carries the two refused ones.
    expect(budget.take(1000)).toBe(2);
    expect(budget.take(1001)).toBe(0);
  });

  it('never grants more than the budget in a window, however many ask', () => {
    const budget = new WriteBudget(5, 60_000);
    const granted = Array.from({ length: 1000 }, (_, i) => budget.take(i)).filter((r) => r !== null);
    expect(granted).toHaveLength(5);
  });
});
