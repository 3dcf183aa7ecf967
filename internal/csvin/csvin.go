// Package csvin reads the CSV files offices export from Excel (the
// officials' roster, service counts): UTF-8 with or without a byte order
// mark, comma or semicolon separated, Windows or Unix line ends, and a
// header row whose column names may come in Indonesian or English. Every
// problem is reported with its line number.
package csvin

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Column is one column a file may have: its canonical name and the header
// names that mean it (case-insensitive), e.g. {"name", {"nama", "name"}}.
type Column struct {
	Name     string
	Aliases  []string
	Optional bool
}

// Row is one data row: its line number in the file and its values by
// canonical column name (trimmed; "" for an optional column left out).
type Row struct {
	Line   int
	Values map[string]string
}

// Get returns the value of a column.
func (r Row) Get(column string) string { return r.Values[column] }

// LineError is a problem with one line of the file.
type LineError struct {
	Line   int
	Reason string
}

// Error implements error: "line 3: unknown OPD "x"".
func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Errors is every line problem of a file, in line order.
type Errors []LineError

// Error implements error: one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Errorf returns a LineError for the row.
func (r Row) Errorf(format string, args ...any) LineError {
	return LineError{Line: r.Line, Reason: fmt.Sprintf(format, args...)}
}

// Read parses a whole file against its columns. It returns the good rows
// and, separately, the lines that could not be read (not UTF-8, wrong
// column count); a bad header is an error of its own (nothing is read).
func Read(data []byte, columns []Column) ([]Row, Errors, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, errors.New("the file is empty (want a header row and one row per line)")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("line 1: %w", err)
	}
	if !utf8ValidAll(header) {
		return nil, nil, LineError{Line: 1, Reason: notUTF8}
	}
	index, err := mapHeader(header, columns)
	if err != nil {
		return nil, nil, err
	}
	var rows []Row
	var bad Errors
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, LineError{Line: pe.StartLine, Reason: pe.Err.Error()})
				continue
			}
			return nil, nil, err
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line (Excel leaves some at the end)
		}
		row, lerr := makeRow(line, rec, header, index)
		if lerr != nil {
			bad = append(bad, *lerr)
			continue
		}
		rows = append(rows, row)
	}
	return rows, bad, nil
}

const notUTF8 = "not UTF-8 text (in Excel: Save As \"CSV UTF-8 (Comma delimited)\")"

func makeRow(line int, rec, header []string, index map[int]string) (Row, *LineError) {
	if !utf8ValidAll(rec) {
		return Row{}, &LineError{Line: line, Reason: notUTF8}
	}
	if len(rec) != len(header) {
		return Row{}, &LineError{Line: line, Reason: fmt.Sprintf("%d columns, want %d as in the header", len(rec), len(header))}
	}
	row := Row{Line: line, Values: map[string]string{}}
	for i, v := range rec {
		if name, ok := index[i]; ok {
			row.Values[name] = strings.TrimSpace(v)
		}
	}
	return row, nil
}

// separator picks ';' when the header line has more semicolons than
// commas (Excel in an Indonesian locale), ',' otherwise.
func separator(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

// mapHeader maps each header position to its canonical column; unknown,
// repeated and missing required columns are errors on line 1.
func mapHeader(header []string, columns []Column) (map[int]string, error) {
	index := map[int]string{}
	seen := map[string]bool{}
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		j := slices.IndexFunc(columns, func(c Column) bool { return slices.Contains(c.Aliases, key) })
		if j < 0 {
			return nil, LineError{Line: 1, Reason: fmt.Sprintf("unknown column %q (want %s)", strings.TrimSpace(h), describe(columns))}
		}
		if seen[columns[j].Name] {
			return nil, LineError{Line: 1, Reason: fmt.Sprintf("column %q appears twice", strings.TrimSpace(h))}
		}
		seen[columns[j].Name] = true
		index[i] = columns[j].Name
	}
	for _, c := range columns {
		if !c.Optional && !seen[c.Name] {
			return nil, LineError{Line: 1, Reason: fmt.Sprintf("missing column %s (want %s)", strings.Join(c.Aliases, " or "), describe(columns))}
		}
	}
	return index, nil
}

// describe lists the columns for a message: "nama/name, opd, …".
func describe(columns []Column) string {
	parts := make([]string, len(columns))
	for i, c := range columns {
		parts[i] = strings.Join(c.Aliases, "/")
		if c.Optional {
			parts[i] += " (optional)"
		}
	}
	return strings.Join(parts, ", ")
}

func utf8ValidAll(fields []string) bool {
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}
