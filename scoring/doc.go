// Package scoring computes every index of docs/INDICATORS.md as pure
// functions over answers or over aggregates of answers: the SKM/IKM of
// PermenPANRB No. 14 Tahun 2017 (NRR per unsur, mutu A–D, the
// Krejcie–Morgan minimum sample, the 95 % confidence interval), the usage
// and impact indices, NKP, CSAT, CES, NPS and the participation figures.
//
// Conventions shared by every function:
//
//   - A figure that cannot be computed (no respondents, a zero denominator)
//     comes back with Valid == false, never as a zero score or NaN.
//   - Values keep full precision. Rounding happens only for display and for
//     banding, with [Round]: the value is first snapped to 6 decimals (to
//     remove binary floating-point noise, so 88.305 is treated as the
//     decimal 88.305), then rounded half away from zero.
//   - Bands are tested on the rounded value, from the top band down, with
//     "≥ lower bound" tests only, so no value falls between two bands.
//   - Answers outside an item's scale (0, negative, too large) are treated as
//     not answered.
//
// The package imports only the standard library and package survey; the
// storage layer feeds it aggregates computed in SQL (see [ElementAgg] and
// [RespondentAgg]).
package scoring
