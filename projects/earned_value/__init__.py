"""Earned value: how a project stands on schedule and cost, in money, at a status date.

All the sums are computed by the database (annotations and aggregates), never by looping over
tasks or entries in Python; only the final ratios of a handful of totals are taken in Python.
Any number of projects costs one query, and one more for the work of their budget changes if
any of them has budget changes (`load_budget_changes`).
The SQL is portable: PostgreSQL and the embedded SQLite default give the same figures for the
same data (date differences and decimal division are spelled per database: `DaysBetween`,
`Quotient`, `_series_sql`).

For a project and a status date D:

- **Budget changes.** The project's budget is its current total: the original budget plus, for
  each approved change request that changed it (`BudgetChange`), an amount for **added scope**
  and an amount of **contingency**. The original budget B0 = budget - Σ (added scope +
  contingency) of its changes.
- **BAC** (budget at completion, the performance baseline) = B0 + Σ added scope. The
  **contingency** (Σ contingency) is budget, not BAC: no work earns it. Without budget changes,
  BAC is the project's budget.
- **Work parts.** The original work is the leaf tasks no change added (`Task.budget_change` is
  None), paid for by B0; each change's added work is the leaf tasks that point to it, paid for
  by its added scope. PV and EV are summed over the parts, each part spreading its own budget
  over its own tasks as below, so a change's cost never moves the value of work already done.
  A part without estimated tasks plans and earns nothing (its budget sits in BAC unearned, and
  the team is told that the change's added scope has no planned work yet).
- **Planned %** at D: each *leaf* task (a task without subtasks, so that a parent's estimate
  is not counted twice) with an estimate and a due date is planned to progress linearly from its
  start to its due date, both days included:

      planned hours(t, D) = estimate(t) * clamp((D - start + 1) / (due - start + 1), 0, 1)

  (a task without a start starts on its due date). Planned % = Σ planned hours / Σ estimate
  over all leaf tasks with an estimate (a task with an estimate but no due date counts in the
  total but is never planned, so it pulls PV down until it is scheduled). These hours are
  taken within a part.
- **PV** = Σ over the parts of part budget * planned % of the part (BAC * planned % without
  budget changes).
- **Earned %** = Σ estimate * percent complete / (100 * Σ estimate) over the same tasks. It is
  task-based only: deliverables and their acceptance do not count on their own (a milestone's
  work is earned through its tasks; a task marked done is 100 %).
- **EV** = Σ over the parts of part budget * earned % of the part. With budget changes, the
  planned and earned % shown for the project are PV / BAC and EV / BAC.
- **AC** = approved labour cost dated up to D (approved hours * the applicable hourly rate: the
  person's own rate on the project, else the rate of their role on the project, else 0) + the
  cost entries dated up to D (all categories, internal and shared alike).
- **SV** = EV - PV, **CV** = EV - AC, **SPI** = EV / PV, **CPI** = EV / AC,
  **EAC** = BAC / CPI (= BAC * AC / EV), **ETC** (estimate to complete) = EAC - AC,
  **VAC** (variance at completion) = BAC - EAC, **TCPI** (to-complete performance index, the
  CPI the remaining work needs to finish within BAC) = (BAC - EV) / (BAC - AC). A figure is
  None when a divisor is 0 or the budget is not set.
- The weekly series and past status dates use the budget changes as they are now, as they use
  the current budget: a change's added work earns only once its tasks progress.

Money is rounded to cents and indices to two decimals (ROUND_HALF_UP), each from the unrounded
sums, so SPI is EV/PV of the unrounded values.
"""
