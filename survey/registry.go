package survey

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrUnknownSurvey is returned for a survey id or version that is not loaded.
var ErrUnknownSurvey = errors.New("unknown survey")

// Registry holds every version of every survey definition. It is read-only
// once built and safe for concurrent use.
type Registry struct {
	// versions maps a survey id to its versions, oldest first.
	versions map[string][]*Survey
}

// NewRegistry builds a registry from loaded surveys. The same id and version
// twice is an error naming both files.
func NewRegistry(surveys ...*Survey) (*Registry, error) {
	r := &Registry{versions: map[string][]*Survey{}}
	var errs []error
	for _, s := range surveys {
		if err := r.add(s); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

func (r *Registry) add(s *Survey) error {
	vs := r.versions[s.ID]
	for _, o := range vs {
		if CompareVersions(o.Version, s.Version) == 0 {
			return &DefError{File: s.File, Field: "settings.version", Msg: fmt.Sprintf(
				"survey %q version %q is already defined in %s", s.ID, s.Version, o.File)}
		}
	}
	vs = append(vs, s)
	slices.SortStableFunc(vs, func(a, b *Survey) int { return CompareVersions(a.Version, b.Version) })
	r.versions[s.ID] = vs
	return nil
}

// LoadRegistry loads the built-in surveys and then every *.yaml and *.yml
// file of dir (not recursive; dir may be "" for built-ins only). A file may
// add a new version of a built-in survey: Latest then returns it, and the
// older versions stay available to sessions pinned to them. Any invalid file
// makes the whole load fail, with every problem listed.
func LoadRegistry(dir string) (*Registry, error) {
	surveys, err := BuiltinSurveys()
	if err != nil {
		return nil, fmt.Errorf("load built-in surveys: %w", err)
	}
	var errs []error
	if dir != "" {
		files, err := definitionFiles(dir)
		if err != nil {
			return nil, err
		}
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err != nil {
				errs = append(errs, fmt.Errorf("read survey file: %w", err))
				continue
			}
			s, err := LoadSurvey(path, data)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			surveys = append(surveys, s)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return NewRegistry(surveys...)
}

// definitionFiles lists the *.yaml and *.yml files of dir, sorted.
func definitionFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read surveys folder: %w", err)
	}
	var files []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	return files, nil
}

// Get returns the given version of a survey; the error wraps
// ErrUnknownSurvey when the id or the version is not loaded.
func (r *Registry) Get(id, version string) (*Survey, error) {
	for _, s := range r.versions[id] {
		if s.Version == version {
			return s, nil
		}
	}
	if _, ok := r.versions[id]; !ok {
		return nil, fmt.Errorf("survey %q: %w", id, ErrUnknownSurvey)
	}
	return nil, fmt.Errorf("survey %q version %q: %w", id, version, ErrUnknownSurvey)
}

// Latest returns the highest version of a survey; the error wraps
// ErrUnknownSurvey when the id is not loaded.
func (r *Registry) Latest(id string) (*Survey, error) {
	vs := r.versions[id]
	if len(vs) == 0 {
		return nil, fmt.Errorf("survey %q: %w", id, ErrUnknownSurvey)
	}
	return vs[len(vs)-1], nil
}

// IDs returns the loaded survey ids, sorted.
func (r *Registry) IDs() []string {
	ids := make([]string, 0, len(r.versions))
	for id := range r.versions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Versions returns the loaded versions of a survey, oldest first.
func (r *Registry) Versions(id string) []string {
	var out []string
	for _, s := range r.versions[id] {
		out = append(out, s.Version)
	}
	return out
}

// CompareVersions compares dotted version numbers part by part, as numbers:
// "1.10" is above "1.9", and "1" equals "1.0". It returns -1, 0 or +1.
// Parts that are not numbers compare as text after numeric ones.
func CompareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if c := comparePart(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func comparePart(x, y string) int {
	nx, ex := strconv.ParseUint(x, 10, 64)
	ny, ey := strconv.ParseUint(y, 10, 64)
	switch {
	case ex == nil && ey == nil:
		if nx != ny {
			if nx < ny {
				return -1
			}
			return 1
		}
		return 0
	case ex == nil:
		return -1
	case ey == nil:
		return 1
	}
	return strings.Compare(x, y)
}
