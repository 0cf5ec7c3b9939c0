// Package targets is the domain of coverage targets (chỉ tiêu, PRODUCT.md M5): the
// targets a decision assigns to a unit, progress against them, the ranking of child
// units and the split of a parent's target over its children. It holds no database
// and no HTTP; the store, CLI, API and pages call it with the figures of the coverage
// engine.
//
// Rules chosen here (forms-and-codes.md §10 gives the formulas, not these details):
//
//   - Target in force on a date D: among the unit's targets for the indicator, the one
//     with the nearest deadline on or after D; when every deadline has passed, the one
//     with the latest deadline (a unit behind its 2025 target is still measured
//     against it until a 2026 target is set).
//   - Rates are shown with two decimals, rounded half up (93.005 → 93.01), as the
//     press and the BHXH reports print them. gap_points = target − the rate as shown,
//     so a report's columns add up (§10.3 column 13 = 12 − 4): positive when behind,
//     zero or negative when the target is met.
//   - gap_persons = ceil(target % × denominator / 100) − covered, never negative
//     (§10.3 column 14), in exact integer arithmetic. For voluntary_bhxh_count it is
//     target − covered.
//   - percent_of_plan = exact rate ÷ target × 100, two decimals; none when the target
//     is 0.
//   - projected_date: a least-squares straight line covered = a + b·day through the
//     series points of the last TrendMonths months (default 6: dated after
//     D − 6 months and on or before D), extrapolated to the persons the target
//     needs on today's denominator; the first whole day on the line, never before
//     the day after D. None when the window has fewer than two distinct dates, when
//     the line is flat or falling, or when the day lies beyond 9999-12-31. When the
//     target is already met: the first day of the series on which the count reached
//     the target and stayed there, if a point below the target comes before it;
//     otherwise none.
//   - For voluntary_bhxh_count, actual and target are counts and gap_points is
//     target − covered in persons (negative when ahead).
//   - gap_persons_total sums gap_persons over the indicators, as the press does
//     ("16,766 more participants needed"); a person missing from two indicators is
//     counted twice.
//   - A count target is a whole number up to one billion; a percent lies in 0–100;
//     every target names the document that set it.
//   - Ranking: every key largest first (gap_persons: most still needed first), ties
//     in Vietnamese name order and sharing a place.
//   - Split: see Method; the check converts every child's target to persons on its
//     own denominator, rounding up, and compares with the parent's on the parent's
//     denominator.
package targets
