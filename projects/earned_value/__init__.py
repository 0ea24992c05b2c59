"""Earned value: how a project stands on schedule and cost, in money, at a status date.

All the sums are computed by the database (annotations and aggregates), never by looping over
tasks or entries in Python; only the final ratios of a handful of totals are taken in Python.
The SQL is portable: PostgreSQL and the embedded SQLite default give the same figures for the
same data (date differences and decimal division are spelled per database: `DaysBetween`,
`Quotient`, `_series_sql`).

For a project and a status date D:

- **BAC** (budget at completion) is the project's budget.
- **Planned %** at D: each *leaf* task (a task without subtasks, so that a parent's estimate
  is not counted twice) with an estimate and a due date is planned to progress linearly from its
  start to its due date, both days included:

      planned hours(t, D) = estimate(t) * clamp((D - start + 1) / (due - start + 1), 0, 1)

  (a task without a start starts on its due date). Planned % = Σ planned hours / Σ estimate
  over all leaf tasks with an estimate (a task with an estimate but no due date counts in the
  total but is never planned, so it pulls PV down until it is scheduled).
- **PV** = BAC * planned %.
- **Earned %** = Σ estimate * percent complete / (100 * Σ estimate) over the same tasks. It is
  task-based only: deliverables and their acceptance do not count on their own (a milestone's
  work is earned through its tasks; a task marked done is 100 %).
- **AC** = approved labour cost dated up to D (approved hours * the applicable hourly rate: the
  person's own rate on the project, else the rate of their role on the project, else 0) + the
  cost entries dated up to D (all categories, internal and shared alike).
- **SV** = EV - PV, **CV** = EV - AC, **SPI** = EV / PV, **CPI** = EV / AC,
  **EAC** = BAC / CPI (= BAC * AC / EV). A ratio is None when its divisor is 0 or the budget is
  not set.

Money is rounded to cents and indices to two decimals (ROUND_HALF_UP), each from the unrounded
sums, so SPI is EV/PV of the unrounded values.
"""
