package policy

import (
	"math/big"

	"github.com/phusong/phusong/internal/civil"
)

// LateChargeResult is the charge on an amount paid late (Law 41/2024 Art 40–41).
type LateChargeResult struct {
	Amount int64      `json:"amount"`
	From   civil.Date `json:"from"`
	To     civil.Date `json:"to"`
	Days   int        `json:"days"`
	Charge int64      `json:"charge"`
}

// LateCharge is amount × rate per day × days late (0.03 %/day, Law 41/2024 Art 40;
// ND 274/2025). Convention C1: from is the first day late (the day after the latest
// payment date), to is the day of payment and is not counted, so days = to − from;
// each day takes the rate in force on it; the sum is rounded once, half up. The
// amount is whatever the caller owes (employer and employee shares together).
func (b *Book) LateCharge(amount int64, from, to civil.Date) (LateChargeResult, error) {
	res := LateChargeResult{Amount: amount, From: from, To: to, Days: from.DaysUntil(to)}
	if amount < 0 || amount > maxValue*1000 {
		return LateChargeResult{}, errf("số tiền chậm đóng phải từ 0 đến 10^15, có %d", "late amount must be 0 to 10^15, got %d", amount)
	}
	if to < from {
		return LateChargeResult{}, errf("ngày đóng %s trước ngày bắt đầu chậm %s", "payment date %s is before the first late day %s", to, from)
	}
	rateDays, err := b.rateDays(from, to)
	if err != nil {
		return LateChargeResult{}, err
	}
	res.Charge = Round(mul(ratInt(amount), pct(rateDays)))
	return res, nil
}

// rateDays is the sum over the days [from, to) of the percent per day in force.
func (b *Book) rateDays(from, to civil.Date) (*big.Rat, error) {
	sum := new(big.Rat)
	for d := from; d < to; {
		r, err := b.find(LateChargeRate, "", d)
		if err != nil {
			return nil, err
		}
		end := min(to, r.to.AddDays(1))
		sum.Add(sum, mul(r.value, ratInt(int64(d.DaysUntil(end)))))
		d = end
	}
	return sum, nil
}
