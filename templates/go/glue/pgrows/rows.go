// Package pgrows turns what a nats_to_postgres task returns into one SQL statement and its
// bound parameters. Pure Go (no imports from the host), so it is tested natively.
package pgrows

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Identifier checks a table or column name and returns it quoted. Names are
// matched as PostgreSQL matches unquoted ones: folded to lower case.
func Identifier(name string) (string, error) {
	if !validName(name) {
		return "", errors.New("column " + strconv.Quote(name) + " is not a valid name (letters, digits and _, not starting with a digit, at most 63 characters)")
	}
	return `"` + strings.ToLower(name) + `"`, nil
}

// Table quotes a table name, optionally schema-qualified (schema.table).
func Table(name string) (string, error) {
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return "", errors.New("table " + strconv.Quote(name) + " is not a valid name")
	}
	for i, p := range parts {
		if !validName(p) {
			return "", errors.New("table " + strconv.Quote(name) + " is not a valid name")
		}
		parts[i] = `"` + strings.ToLower(p) + `"`
	}
	return strings.Join(parts, "."), nil
}

func validName(s string) bool {
	if s == "" || len(s) > 63 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Row is one row a message's exec_task returned: its columns, folded and sorted, and their JSON values.
type Row struct {
	cols   []string
	values map[string]json.RawMessage
}

// Rows reads exec_task's result: a JSON object (one row), an array of objects, or "" for
// nothing. With a key column, every row must have a value for it.
func Rows(result, key string) ([]Row, error) {
	text := bytes.TrimSpace([]byte(result))
	if len(text) == 0 {
		return nil, nil
	}
	// encoding/json passes bytes through unchecked, and a host traps on a string that is not UTF-8.
	if !utf8.Valid(text) {
		return nil, errors.New("exec_task returned text that is not valid UTF-8")
	}
	var objects []map[string]json.RawMessage
	var err error
	switch text[0] {
	case '{':
		var one map[string]json.RawMessage
		err = json.Unmarshal(text, &one)
		objects = []map[string]json.RawMessage{one}
	case '[':
		err = json.Unmarshal(text, &objects)
	default:
		err = errors.New("not a JSON object or array")
	}
	if err != nil {
		return nil, errors.New("exec_task must return a JSON object (one row), an array of objects, or \"\" (" + err.Error() + ")")
	}
	return toRows(objects, strings.ToLower(key))
}

// Statement writes rows (of one message or of many, in the order they came) into table, upserted
// on key when key is not empty: one statement, so one transaction. Every value travels in bound
// parameters (one JSON text per set of columns), never in the SQL text. An empty query means
// there is nothing to write.
func Statement(table, key string, rows []Row) (query string, params []*string, err error) {
	quotedTable, err := Table(table)
	if err != nil {
		return "", nil, err
	}
	keyCol := strings.ToLower(key)
	if keyCol != "" {
		rows = lastOfEachKey(rows, keyCol)
	}
	if len(rows) == 0 {
		return "", nil, nil
	}
	// Rows with the same columns go in one INSERT; several INSERTs share one statement (and so
	// one transaction) as data-modifying WITH queries.
	var groups [][]Row
	index := map[string]int{}
	for _, r := range rows {
		sig := strings.Join(r.cols, ",")
		i, ok := index[sig]
		if !ok {
			i = len(groups)
			index[sig] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], r)
	}
	inserts := make([]string, len(groups))
	for i, g := range groups {
		param := recordset(g)
		params = append(params, &param)
		inserts[i] = insert(quotedTable, keyCol, g[0].cols, i+1)
	}
	if len(inserts) == 1 {
		return inserts[0], params, nil
	}
	var b strings.Builder
	b.WriteString("WITH ")
	for i, ins := range inserts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("w" + strconv.Itoa(i+1) + " AS (" + ins + ")")
	}
	b.WriteString(" SELECT 1")
	return b.String(), params, nil
}

// toRows checks each object's columns and, with a key, that each row has a value for it.
func toRows(objects []map[string]json.RawMessage, keyCol string) ([]Row, error) {
	var rows []Row
	for n, o := range objects {
		if o == nil {
			return nil, errors.New("row " + strconv.Itoa(n) + " is null, not a JSON object")
		}
		if len(o) == 0 {
			continue
		}
		r := Row{values: make(map[string]json.RawMessage, len(o))}
		for name, v := range o {
			if _, err := Identifier(name); err != nil {
				return nil, err
			}
			folded := strings.ToLower(name)
			if _, dup := r.values[folded]; dup {
				return nil, errors.New("row " + strconv.Itoa(n) + " names column " + strconv.Quote(folded) + " twice (names are case-insensitive)")
			}
			r.values[folded] = v
			r.cols = append(r.cols, folded)
		}
		sort.Strings(r.cols)
		if k, ok := r.values[keyCol]; keyCol != "" && (!ok || string(k) == "null") {
			return nil, errors.New("row " + strconv.Itoa(n) + " has no value for the key column " + strconv.Quote(keyCol))
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// lastOfEachKey keeps the last row of each key value, where the first stood: one statement may
// not update a row twice, and the latest message must win.
func lastOfEachKey(rows []Row, keyCol string) []Row {
	kept := make([]Row, 0, len(rows))
	byKey := map[string]int{}
	for _, r := range rows {
		k := string(r.values[keyCol])
		if i, seen := byKey[k]; seen {
			kept[i] = r
		} else {
			byKey[k] = len(kept)
			kept = append(kept, r)
		}
	}
	return kept
}

func recordset(g []Row) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, r := range g {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, c := range r.cols {
			if j > 0 {
				b.WriteByte(',')
			}
			name, _ := json.Marshal(c)
			b.Write(name)
			b.WriteByte(':')
			b.Write(r.values[c])
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

func insert(table, keyCol string, cols []string, param int) string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	list := strings.Join(quoted, ", ")
	s := "INSERT INTO " + table + " (" + list + ") SELECT " + list + " FROM json_populate_recordset(NULL::" + table + ", $" + strconv.Itoa(param) + "::text::json)"
	if keyCol == "" {
		return s
	}
	var set []string
	for _, c := range cols {
		if c != keyCol {
			set = append(set, `"`+c+`" = EXCLUDED."`+c+`"`)
		}
	}
	if len(set) == 0 {
		return s + ` ON CONFLICT ("` + keyCol + `") DO NOTHING`
	}
	return s + ` ON CONFLICT ("` + keyCol + `") DO UPDATE SET ` + strings.Join(set, ", ")
}
