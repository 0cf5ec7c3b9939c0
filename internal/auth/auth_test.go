package auth

import (
	"testing"
	"time"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/geo"
)

func atlas(t *testing.T) *geo.Atlas {
	t.Helper()
	ch, err := geo.Reference()
	if err != nil {
		t.Fatal(err)
	}
	return geo.NewAtlas(ch.NewUnits, ch.NewLinks)
}

func find(t *testing.T, a *geo.Atlas, code, date string) int64 {
	t.Helper()
	u, err := a.Find(code, civil.MustParse(date))
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestScopeCoversSubtreeAndPast(t *testing.T) {
	a := atlas(t)
	xuanHuong := find(t, a, "24781", "2025-07-01")
	camLy := find(t, a, "24787", "2025-07-01")
	phuong1 := find(t, a, "24784", "2025-01-01") // merged into Xuân Hương
	lamDong := find(t, a, "68", "2025-07-01")
	officer := NewScope(7, "xh", []Grant{{Role: CommuneOfficer, UnitID: xuanHuong}}, a)
	cases := []struct {
		name string
		p    Permission
		unit int64
		want bool
	}{
		{"own ward", UnitsRead, xuanHuong, true},
		{"old ward merged into it", FiguresRead, phuong1, true},
		{"neighbour ward", UnitsRead, camLy, false},
		{"province above", FiguresRead, lamDong, false},
		{"policy", PolicyWrite, 0, false},
		{"personal data in own ward", PersonalRead, xuanHuong, true},
	}
	for _, c := range cases {
		if got := officer.Can(c.p, c.unit); got != c.want {
			t.Errorf("%s: Can = %v, want %v", c.name, got, c.want)
		}
	}
	if !officer.Visible(lamDong) || officer.Visible(camLy) {
		t.Error("navigation: the province above is visible, the neighbour is not")
	}
	province := NewScope(8, "ld", []Grant{{Role: CommitteeMember, UnitID: lamDong}}, a)
	dakNongCommune := find(t, a, "24616", "2025-01-01") // a commune of old Đắk Nông (67)
	if !province.Can(FiguresRead, camLy) || !province.Can(FiguresRead, dakNongCommune) {
		t.Error("a Lâm Đồng grant covers its communes and those of the provinces merged into it")
	}
	if province.Can(PersonalRead, camLy) {
		t.Error("committee members see masked identifiers")
	}
	admin := NewScope(1, "admin", []Grant{{Role: Admin}}, a)
	if !admin.Can(PolicyWrite, 0) || !admin.Can(UnitsWrite, camLy) || !admin.CanNational(UsersManage) {
		t.Error("admin is national")
	}
	if Anonymous.Can(UnitsRead, camLy) || Anonymous.LoggedIn() {
		t.Error("anonymous can read units")
	}
}

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	th := NewThrottle()
	th.Now = func() time.Time { return now }
	for i := 0; i < 5; i++ {
		if err := th.Allow("an", "1.2.3.4"); err != nil {
			t.Fatalf("attempt %d refused", i+1)
		}
		th.Failed("an", "1.2.3.4")
	}
	if th.Allow("an", "5.6.7.8") != ErrThrottled || th.Allow("binh", "1.2.3.4") != ErrThrottled {
		t.Error("sixth attempt allowed for the user or from the address")
	}
	if th.Allow("binh", "5.6.7.8") != nil {
		t.Error("another user from another address is locked")
	}
	now = now.Add(16 * time.Minute)
	if th.Allow("an", "1.2.3.4") != nil {
		t.Error("still locked after the window")
	}
}

func TestPasswordsTokensMask(t *testing.T) {
	if _, err := HashPassword("short"); err == nil {
		t.Error("short password accepted")
	}
	h, err := HashPassword("mật khẩu rất dài")
	if err != nil || !CheckPassword(h, "mật khẩu rất dài") || CheckPassword(h, "mat khau rat dai") {
		t.Fatal("bcrypt round trip")
	}
	a, b := NewSecret(), NewSecret()
	if a == b || len(a) != 43 || HashToken(a) == HashToken(b) || len(HashToken(a)) != 64 {
		t.Error("secrets")
	}
	if Mask("079203001234") != "********1234" || Mask("12") != "**" {
		t.Errorf("mask %q", Mask("079203001234"))
	}
}
