package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/phusong/phusong/internal/fault"
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// HashPassword hashes a password with bcrypt at the default cost.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return "", fault.Newf(fault.Invalid, "mật khẩu phải có ít nhất %d ký tự", "the password must have at least %d characters", MinPasswordLen)
	}
	if len(pw) > 72 {
		return "", fault.New(fault.Invalid, "mật khẩu quá dài (tối đa 72 byte)", "the password is too long (at most 72 bytes)")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}

// CheckPassword compares a password with its hash in constant time.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// NewSecret is 32 random bytes, URL-safe: session IDs, API tokens, CSRF tokens, and
// generated passwords.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system has no randomness: nothing is safe to do
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenPrefix marks API tokens so they are recognisable in logs and secret scanners.
const TokenPrefix = "psk_"

// HashToken is what the database keeps of a session ID or token: its SHA-256, so a
// copy of the database gives no usable credential.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// SameSecret compares two secrets in constant time.
func SameSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// ErrThrottled is returned while a login is locked after too many failures.
var ErrThrottled = fault.New(fault.Unauthenticated, "đăng nhập sai quá nhiều lần; hãy thử lại sau ít phút", "too many failed logins; try again in a few minutes")

// ErrBadLogin is the one answer for an unknown user or a wrong password.
var ErrBadLogin = fault.New(fault.Unauthenticated, "tên đăng nhập hoặc mật khẩu không đúng", "wrong username or password")

// Throttle locks a username or an address after MaxFailures failed logins within
// Window, until the window has passed.
type Throttle struct {
	MaxFailures int
	Window      time.Duration
	Now         func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewThrottle allows 5 failures per 15 minutes per username and per address.
func NewThrottle() *Throttle {
	return &Throttle{MaxFailures: 5, Window: 15 * time.Minute, Now: time.Now, failures: map[string][]time.Time{}}
}

func throttleKeys(username, addr string) []string {
	return []string{"u:" + strings.ToLower(username), "a:" + addr}
}

// Allow is nil when a login attempt may proceed.
func (t *Throttle) Allow(username, addr string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range throttleKeys(username, addr) {
		if len(t.recent(k)) >= t.MaxFailures {
			return ErrThrottled
		}
	}
	return nil
}

// Failed records a failed attempt; Succeeded clears the username's failures.
func (t *Throttle) Failed(username, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range throttleKeys(username, addr) {
		t.failures[k] = append(t.recent(k), t.Now())
	}
}

func (t *Throttle) Succeeded(username string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, throttleKeys(username, "")[0])
}

func (t *Throttle) recent(k string) []time.Time {
	cut := t.Now().Add(-t.Window)
	var keep []time.Time
	for _, at := range t.failures[k] {
		if at.After(cut) {
			keep = append(keep, at)
		}
	}
	if keep == nil {
		delete(t.failures, k)
	} else {
		t.failures[k] = keep
	}
	return keep
}

// Mask hides all but the last 4 characters of a personal identifier, for roles
// without PersonalRead: 079203001234 → ********1234.
func Mask(id string) string {
	n := utf8.RuneCountInString(id)
	if n <= 4 {
		return strings.Repeat("*", n)
	}
	r := []rune(id)
	return strings.Repeat("*", n-4) + string(r[n-4:])
}
