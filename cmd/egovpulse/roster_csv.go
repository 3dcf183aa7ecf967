package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/kotasolok/egovpulse/internal/csvin"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// rosterColumns are the roster file's columns, Indonesian or English.
var rosterColumns = []csvin.Column{
	{Name: "name", Aliases: []string{"nama", "name"}},
	{Name: "opd", Aliases: []string{"opd"}},
	{Name: "level", Aliases: []string{"jabatan", "level"}},
	{Name: "role", Aliases: []string{"peran", "role"}},
	{Name: "nip", Aliases: []string{"nip"}, Optional: true},
	{Name: "phone", Aliases: []string{"telepon", "phone"}, Optional: true},
}

// rosterLevels are the position levels (jenis jabatan).
var rosterLevels = []string{"struktural", "fungsional", "pelaksana"}

// rosterRoles maps the accepted role words to the stored role.
var rosterRoles = map[string]string{"staff": "staff", "staf": "staff", "head": "head", "kepala": "head", "operator": "operator"}

var (
	nipRe   = regexp.MustCompile(`^[0-9]{18}$`)
	phoneRe = regexp.MustCompile(`^\+?[0-9][0-9 -]{5,18}[0-9]$`)
)

// parseRoster reads a roster file: the valid entries and every bad line
// (the file's own problems and the rows that fail the checks), in line
// order.
func parseRoster(data []byte, cat *survey.Catalog) ([]storage.RosterEntry, csvin.Errors, error) {
	rows, bad, err := csvin.Read(data, rosterColumns)
	if err != nil {
		return nil, nil, err
	}
	var out []storage.RosterEntry
	nips := map[string]int{}   // NIP → first line
	people := map[string]int{} // OPD + name, for rows without a NIP → first line
	for _, r := range rows {
		e, lerr := rosterEntry(r, cat)
		if lerr == nil {
			lerr = duplicateOfficial(r, e, nips, people)
		}
		if lerr != nil {
			bad = append(bad, *lerr)
			continue
		}
		out = append(out, e)
	}
	slices.SortStableFunc(bad, func(a, b csvin.LineError) int { return a.Line - b.Line })
	return out, bad, nil
}

// rosterEntry checks one row's values.
func rosterEntry(r csvin.Row, cat *survey.Catalog) (storage.RosterEntry, *csvin.LineError) {
	e := storage.RosterEntry{Name: strings.Join(strings.Fields(r.Get("name")), " "), OPDCode: strings.ToLower(r.Get("opd")),
		Level: strings.ToLower(r.Get("level")), Phone: r.Get("phone"),
		NIP: strings.ReplaceAll(r.Get("nip"), " ", "")}
	role, okRole := rosterRoles[strings.ToLower(r.Get("role"))]
	e.Role = role
	var fail csvin.LineError
	switch _, okOPD := cat.OPD(e.OPDCode); {
	case e.Name == "":
		fail = r.Errorf("empty name")
	case !okOPD:
		fail = r.Errorf("unknown OPD %q (not in the catalog)", r.Get("opd"))
	case !slices.Contains(rosterLevels, e.Level):
		fail = r.Errorf("bad position level %q (want struktural, fungsional or pelaksana)", r.Get("level"))
	case !okRole:
		fail = r.Errorf("bad role %q (want staff, head or operator)", r.Get("role"))
	case e.NIP != "" && !nipRe.MatchString(e.NIP):
		fail = r.Errorf("NIP %q is not 18 digits (in Excel, format the column as Text)", r.Get("nip"))
	case e.Phone != "" && !phoneRe.MatchString(e.Phone):
		fail = r.Errorf("bad phone number %q (want digits, like 0812 3456 7890 or +62812…)", e.Phone)
	default:
		return e, nil
	}
	return e, &fail
}

// duplicateOfficial refuses a second row with a NIP already given, or, for
// rows without a NIP, a second row with the same name in the same OPD.
func duplicateOfficial(r csvin.Row, e storage.RosterEntry, nips, people map[string]int) *csvin.LineError {
	if e.NIP != "" {
		if first, ok := nips[e.NIP]; ok {
			fail := r.Errorf("duplicate NIP %s (first on line %d)", e.NIP, first)
			return &fail
		}
		nips[e.NIP] = r.Line
		return nil
	}
	key := e.OPDCode + "\x00" + strings.ToLower(e.Name)
	if first, ok := people[key]; ok {
		fail := r.Errorf("duplicate official %q in %s (first on line %d; give both a NIP to tell them apart)", e.Name, e.OPDCode, first)
		return &fail
	}
	people[key] = r.Line
	return nil
}

// badLines formats the bad lines of a file for the admin.
func badLines(file string, bad csvin.Errors) string {
	var b strings.Builder
	for _, e := range bad {
		fmt.Fprintf(&b, "\n  %s:%d: %s", file, e.Line, e.Reason)
	}
	return b.String()
}
