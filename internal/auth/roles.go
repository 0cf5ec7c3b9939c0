// Package auth holds roles, the permission catalogue, scopes (role × unit subtree),
// password hashing, tokens and login throttling (M15). It has no database and no
// HTTP: the store keeps accounts and the shells enforce what a Scope allows.
package auth

import "sort"

// Role is what a person does in the coverage drive (PRODUCT.md §2).
type Role string

const (
	Admin           Role = "admin"
	BHXHOfficer     Role = "bhxh_officer"
	CommitteeMember Role = "committee_member"
	CommuneOfficer  Role = "commune_officer"
	Collector       Role = "collector"
	PartnerAgency   Role = "partner_agency"
)

// Permission is one thing a route or command may require.
type Permission string

const (
	UnitsRead     Permission = "units.read"     // unit pages, trees, lineage
	UnitsWrite    Permission = "units.write"    // villages, reorganisations, shares
	FiguresRead   Permission = "figures.read"   // coverage, targets, reports of a unit
	PersonalRead  Permission = "personal.read"  // unmasked national ID, BHXH code, phone
	PolicyWrite   Permission = "policy.write"   // policy tables and local top-ups
	UsersManage   Permission = "users.manage"   // accounts and grants
	AuditRead     Permission = "audit.read"     // the audit log
	RegistryWrite Permission = "registry.write" // registry imports
	TargetsWrite  Permission = "targets.write"  // targets and their split
	OutreachWork  Permission = "outreach.work"  // own outreach queue, contact outcomes
	PartnerUpload Permission = "partner.upload" // tax/labour files
)

// permissions is the catalogue: which role may do what within its units.
var permissions = map[Role][]Permission{
	Admin:           {UnitsRead, UnitsWrite, FiguresRead, PersonalRead, PolicyWrite, UsersManage, AuditRead, RegistryWrite, TargetsWrite, OutreachWork},
	BHXHOfficer:     {UnitsRead, UnitsWrite, FiguresRead, PersonalRead, RegistryWrite, TargetsWrite},
	CommitteeMember: {UnitsRead, FiguresRead, TargetsWrite},
	CommuneOfficer:  {UnitsRead, UnitsWrite, FiguresRead, PersonalRead, OutreachWork},
	Collector:       {UnitsRead, PersonalRead, OutreachWork},
	PartnerAgency:   {UnitsRead, PartnerUpload},
}

// Roles lists every role, sorted.
func Roles() []Role {
	out := make([]Role, 0, len(permissions))
	for r := range permissions {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ParseRole accepts a role name.
func ParseRole(s string) (Role, bool) {
	_, ok := permissions[Role(s)]
	return Role(s), ok
}

// Has reports whether a role carries a permission.
func (r Role) Has(p Permission) bool {
	for _, q := range permissions[r] {
		if q == p {
			return true
		}
	}
	return false
}
