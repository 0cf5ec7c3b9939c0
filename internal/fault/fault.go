// Package fault gives errors a kind that every shell maps the same way: the CLI to an
// exit code, the API and the web to an HTTP status. Messages are bilingual.
package fault

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the user.
type Kind int

const (
	Internal  Kind = iota
	Invalid        // the request or file is wrong: 400
	NotFound       // no such thing on that date: 404
	Forbidden      // outside the caller's grants: 403
	Unauthenticated
	Conflict // the thing exists already or changed meanwhile: 409
)

// Error is a user-facing error with a Vietnamese and an English message.
type Error struct {
	Kind Kind
	VI   string
	EN   string
}

func (e *Error) Error() string { return e.VI + " / " + e.EN }

// New makes an error of a kind.
func New(k Kind, vi, en string) error { return &Error{Kind: k, VI: vi, EN: en} }

// Newf formats both messages with the same arguments.
func Newf(k Kind, vi, en string, args ...any) error {
	return &Error{Kind: k, VI: fmt.Sprintf(vi, args...), EN: fmt.Sprintf(en, args...)}
}

// KindOf finds the kind of err; errors without one are Internal, and a file's import
// problems are Invalid.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var k interface{ FaultKind() Kind }
	if errors.As(err, &k) {
		return k.FaultKind()
	}
	return Internal
}

// Messages returns the Vietnamese and English text of err.
func Messages(err error) (vi, en string) {
	var e *Error
	if errors.As(err, &e) {
		return e.VI, e.EN
	}
	var m interface{ Messages() (string, string) }
	if errors.As(err, &m) {
		return m.Messages()
	}
	return err.Error(), err.Error()
}

// ErrForbidden is the one answer for anything outside the caller's scope. It does not
// say whether the thing exists.
var ErrForbidden = New(Forbidden, "không có quyền với đơn vị hoặc dữ liệu này", "no access to this unit or data")
