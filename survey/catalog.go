package survey

import (
	"errors"
	"fmt"
	"os"
	"regexp"
)

// Services catalog files
//
// The catalog lists the OPDs (perangkat daerah) and the services they
// deliver; responses name a service by its code. Codes are unique across
// the whole file (OPDs and services share one namespace), match
// ^[a-z0-9_]+$ and have at most 24 characters.
//
//	opds:
//	  - code: disdukcapil
//	    name: {id: Dinas Kependudukan dan Pencatatan Sipil, en: Population and Civil Registry Office}
//	    services:
//	      - code: ktp
//	        name: {id: KTP elektronik, en: Electronic ID card}
//	        online: true          # an online channel exists (default false)

// MaxCodeLength bounds OPD and service codes.
const MaxCodeLength = 24

var codeRe = regexp.MustCompile(`^[a-z0-9_]+$`)

// Catalog lists the OPDs and their services.
type Catalog struct {
	OPDs []OPD
}

// OPD is a regional government unit (perangkat daerah) and its services.
type OPD struct {
	Code     string
	Name     Text
	Services []Service
}

// Service is one public service of an OPD.
type Service struct {
	Code    string
	Name    Text
	OPDCode string
	// Online says an online channel exists for the service.
	Online bool
}

// LoadCatalog parses and checks a services catalog. On any problem it
// returns ValidationErrors listing all of them (errors.Is ErrInvalidDefinition).
func LoadCatalog(file string, data []byte) (*Catalog, error) {
	r := &defReader{file: file}
	root := r.parseTree(data)
	if root == nil {
		return nil, r.result()
	}
	c := &Catalog{}
	top := r.mapping(root, "", []string{"opds"})
	if e := r.required(top, "opds", root.line, ""); e != nil {
		if e.val.kind != ySeq || len(e.val.items) == 0 {
			r.errorf(e.line, "opds", "want a non-empty list of OPDs, got %s", e.val.kind)
		} else {
			seen := map[string]int{}
			for i, it := range e.val.items {
				if o, ok := r.readOPD(it, fmt.Sprintf("opds[%d]", i), seen); ok {
					c.OPDs = append(c.OPDs, o)
				}
			}
		}
	}
	if err := r.result(); err != nil {
		return nil, err
	}
	return c, nil
}

func (r *defReader) readOPD(it *ynode, f string, seen map[string]int) (OPD, bool) {
	m := r.mapping(it, f, []string{"code", "name", "services"})
	if m == nil {
		return OPD{}, false
	}
	o := OPD{Code: r.code(m, it.line, f, seen), Name: r.text(r.required(m, "name", it.line, f), f+".name")}
	e := r.required(m, "services", it.line, f)
	if e == nil {
		return o, true
	}
	if e.val.kind != ySeq || len(e.val.items) == 0 {
		r.errorf(e.line, f+".services", "want a non-empty list of services, got %s", e.val.kind)
		return o, true
	}
	for i, st := range e.val.items {
		sf := fmt.Sprintf("%s.services[%d]", f, i)
		sm := r.mapping(st, sf, []string{"code", "name", "online"})
		if sm == nil {
			continue
		}
		o.Services = append(o.Services, Service{
			Code:    r.code(sm, st.line, sf, seen),
			Name:    r.text(r.required(sm, "name", st.line, sf), sf+".name"),
			OPDCode: o.Code,
			Online:  r.boolean(sm["online"], sf+".online"),
		})
	}
	return o, true
}

// code reads and checks a catalog code, unique across the catalog.
func (r *defReader) code(m map[string]*yentry, line int, f string, seen map[string]int) string {
	v, ok := r.str(r.required(m, "code", line, f), f+".code")
	if !ok {
		return ""
	}
	at := m["code"].line
	switch {
	case !codeRe.MatchString(v) || len(v) > MaxCodeLength:
		r.errorf(at, f+".code", "bad code %q (want 1 to %d of a-z 0-9 _)", v, MaxCodeLength)
	case seen[v] > 0:
		r.errorf(at, f+".code", "duplicate code %q (first at line %d)", v, seen[v])
	default:
		seen[v] = at
	}
	return v
}

// Service returns the service with the given code.
func (c *Catalog) Service(code string) (Service, bool) {
	for _, o := range c.OPDs {
		for _, s := range o.Services {
			if s.Code == code {
				return s, true
			}
		}
	}
	return Service{}, false
}

// OPD returns the OPD with the given code.
func (c *Catalog) OPD(code string) (OPD, bool) {
	for _, o := range c.OPDs {
		if o.Code == code {
			return o, true
		}
	}
	return OPD{}, false
}

// Services returns every service of the catalog, in file order.
func (c *Catalog) Services() []Service {
	var out []Service
	for _, o := range c.OPDs {
		out = append(out, o.Services...)
	}
	return out
}

// ValidateFiles checks survey and catalog files, telling them apart by
// content (a top-level `settings` key means a survey, `opds` a catalog).
// Surveys are also checked together with the built-ins for a repeated id
// and version. The error lists every problem of every file.
func ValidateFiles(paths []string) error {
	var errs []error
	surveys, err := BuiltinSurveys()
	if err != nil {
		return err
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("validate: %w", err))
			continue
		}
		switch definitionKind(p, data) {
		case "catalog":
			_, err = LoadCatalog(p, data)
		case "survey":
			var s *Survey
			if s, err = LoadSurvey(p, data); err == nil {
				surveys = append(surveys, s)
			}
		default:
			err = &DefError{File: p, Msg: "neither a survey (top-level settings) nor a catalog (top-level opds)"}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		_, err := NewRegistry(surveys...)
		return err
	}
	return errors.Join(errs...)
}

// definitionKind returns "survey", "catalog" or "" from the top-level keys;
// a file that does not parse is treated as a survey so its syntax error is
// reported.
func definitionKind(file string, data []byte) string {
	r := &defReader{file: file}
	root := r.parseTree(data)
	if root == nil {
		return "survey"
	}
	if root.kind == yMap {
		for _, e := range root.entries {
			switch e.key {
			case "settings", "questions":
				return "survey"
			case "opds":
				return "catalog"
			}
		}
	}
	return ""
}
