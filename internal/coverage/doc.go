// Package coverage is the in-memory coverage engine (M4): how many persons are
// insured on any date, per commune, village and province, by residence or by the
// province that issued the card, broken down by payer group, sex, age band and
// compulsory/voluntary BHXH, kept current by daily change files without a rebuild.
//
// The package is pure domain: no database, no HTTP. A caller streams persons into a
// Builder (from the store), calls Build, then queries the Index and feeds it daily
// changes with Apply.
//
// # Counting once
//
// A person is covered by a scheme on day D when any of their intervals [From, To]
// (both days included, To may be civil.Max) contains D. Overlapping intervals and
// back-to-back ones (one ends on d, the next starts on d+1) merge; a gap of one day
// leaves that day uncovered. Each person therefore counts at most once per area,
// scheme and day, however many cards or periods overlap.
//
// # Rules chosen here
//
//   - Which interval describes a covered day (payer group and issuing province of a
//     BHYT card, compulsory or voluntary for BHXH): among the intervals containing D,
//     the one that started last; between two that started the same day, the one
//     that ends first (a short card laid over a long one), then a fixed order of
//     their attributes, so that the figures never depend on the order a database
//     returns rows in. A renewal or a change of group issues a new card, so the
//     newest card is the one in force.
//   - A BHYT card without a payer group takes the person's group; if that is unknown
//     too, the day is counted under "unknown", so a breakdown always sums to the
//     total.
//   - Age bands 0–5, 6–17, 18–59, 60–79, 80+ in whole years: a person enters the
//     next band on the birthday that completes the age (born 29 February: on
//     1 March in common years). Days before birth count in 0–5.
//   - Basis "residence" counts a person in the commune (village, province) where they
//     live on D; a move takes effect on its From date and earlier days stay where they
//     were. Basis "issuing" exists for BHYT only and counts a person in the province
//     that issued the card in force on D, wherever they live. "Elsewhere" counts
//     residents covered on D whose card in force was issued by a province other than
//     the one they live in (the Lạng Sơn case). Province codes of communes and of
//     cards must use the same code list; issuing code 0 means unknown and is never
//     "elsewhere".
//
// # Layout
//
// Every count is a series: the sorted days on which it changes and the count from
// each of those days on, packed in blocks of 16 (steps: the first day and count of a
// block in full, the others as one- to four-byte offsets from them), so a count on D
// is one binary search among the blocks and a scan of at most 15 offsets. A series
// exists per (scheme, commune, breakdown value), per (scheme, village) and per
// issuing province for BHYT. Apply adds its deltas to a small sorted overlay per
// series (days and cumulative deltas) that queries read together with the base;
// an overlay longer than overlayMax entries is merged into its base, so the cost is
// amortised and there is never a full rebuild.
//
// Persons are kept column-wise for Apply: residence, village, birth date, sex and
// group in parallel arrays, and per scheme their normalised segments (disjoint
// coverage days with the attributes of the interval in force) in shared pools with
// an offset and a count per person. Only persons who moved keep a residence history.
//
// # Concurrency
//
// An Index is safe for concurrent use. Queries take a read lock; Apply and AddPerson
// take the write lock for the whole batch, so a query sees a daily file either not at
// all or entirely, never half of it.
package coverage
