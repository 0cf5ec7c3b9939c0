package policy

import (
	"fmt"

	"github.com/phusong/phusong/internal/fault"
)

// Error is a calculation refused for bad input or a missing rule. Its text is
// Vietnamese then English, like every user-facing error of Phủ Sóng.
type Error struct {
	VI string `json:"reason_vi"`
	EN string `json:"reason_en"`
}

func (e *Error) Error() string { return e.VI + " / " + e.EN }

// errf builds an Error; the same arguments fill both formats.
func errf(vi, en string, args ...any) error {
	return &Error{VI: fmt.Sprintf(vi, args...), EN: fmt.Sprintf(en, args...)}
}

func itoa(n int) string { return fmt.Sprint(n) }

// FaultKind marks a refused calculation as bad input (HTTP 400, exit code 2).
func (e *Error) FaultKind() fault.Kind { return fault.Invalid }
