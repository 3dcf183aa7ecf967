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
// Every index beside the IKM is listed once in a registry ([IndexDefs]:
// key as INDICATORS.md names it, how it aggregates, its band). The
// [Recomputer] stores each as a snapshot per scope (service, OPD, city)
// and period with its n; a figure from fewer than [MinReportN]
// respondents is stored as suppressed, without a value. Each snapshot
// keeps its [IndexAgg] (sums, counts, the values a median needs, per-item
// sums), so services pool exactly into OPDs and OPDs into the city; those
// figures are pooled over all respondents (only the IKM's city headline is
// a mean of OPDs). Digital take-up needs transaction counts that officials
// report ([Recomputer.Counts]); until they do, it is absent, never zero.
//
// Planned missingness. Each respondent may be asked a random subset of the
// impact (dampak.*) and NKP items. The estimators stay unbiased for the
// full-questionnaire values under that random assignment:
//
//   - Indeks Dampak (and the officials' asn.dampak): per respondent, the
//     mean of the items asked and answered ("Tidak tahu" excluded); when
//     the asked subset is a uniformly random k-subset of the items, its
//     expectation is the respondent's mean over all items, so the mean of
//     these over respondents is an unbiased estimate of the index.
//   - Sub-scores (Efisiensi, Transparansi, Integritas, Kepercayaan): the
//     same, over the respondents asked at least one item of the sub-score
//     (unbiased given that the assignment does not depend on the answers).
//   - NKP: each item's mean is taken over the respondents who answered it
//     (an unbiased estimate of the item's mean under random assignment);
//     nk and nb are unweighted means of item means, so unbiased too.
//   - Item non-response counts only respondents who were asked the item
//     (a stored answer row, skipped or not): an item never shown is not
//     missing.
//
// Recompute. [Recomputer.Full] reads every summary once, as a stream,
// summing it while the next rows arrive (one goroutine reads, another
// sums): each response is added once, to its scope and segment (the days
// its ISO week and its month share), segments are then summed into weeks
// and months and months into quarters and years; the indices pool
// service → OPD → city as slices by index key. [Recomputer.Incremental]
// recomputes the touched scopes and periods from their summaries and
// pools them with the stored aggregates of the other scopes; its reads run
// concurrently. Both run the IKM beside the other indices in their own
// goroutine, so Source, Indices, Population and Counts must be safe for
// concurrent use (storage.Store and jobs.ServiceCounts are).
//
// The package imports only the standard library and package survey; the
// storage layer feeds it aggregates computed in SQL (see [ElementAgg],
// [RespondentAgg]) and one summary row per submitted response
// ([ResponseSummary]: the packed unsur and the [Facts]).
package scoring
