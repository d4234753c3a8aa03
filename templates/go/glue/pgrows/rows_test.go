package pgrows

import (
	"strings"
	"testing"
)

func TestOneObjectIsOneRowWithItsValueBound(t *testing.T) {
	q, params, err := statementOf("Readings", "", `{"Seq": 1, "note": "'); DROP TABLE x; --"}`)
	if err != nil {
		t.Fatal(err)
	}
	want := `INSERT INTO "readings" ("note", "seq") SELECT "note", "seq" FROM json_populate_recordset(NULL::"readings", $1::text::json)`
	if q != want {
		t.Fatalf("query\n got %s\nwant %s", q, want)
	}
	if len(params) != 1 || *params[0] != `[{"note":"'); DROP TABLE x; --","seq":1}]` {
		t.Fatalf("params %v", *params[0])
	}
	if strings.Contains(q, "DROP") {
		t.Fatal("a value reached the SQL text")
	}
}

func TestKeyUpsertsAndKeepsTheLastRowOfAKey(t *testing.T) {
	q, params, err := statementOf("s.t", "ID", `[{"id": 1, "v": "a"}, {"id": 1, "v": "b"}, {"id": 2, "v": "c"}]`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(q, `ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v"`) || !strings.Contains(q, `NULL::"s"."t"`) {
		t.Fatal(q)
	}
	if *params[0] != `[{"id":1,"v":"b"},{"id":2,"v":"c"}]` {
		t.Fatal(*params[0])
	}
}

func TestRowsWithOtherColumnsGoInOneStatement(t *testing.T) {
	q, params, err := statementOf("t", "", `[{"a": 1}, {"b": 2}, {"a": 3}]`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(q, "WITH w1 AS (INSERT") || !strings.Contains(q, "w2 AS (INSERT") || !strings.HasSuffix(q, ") SELECT 1") || len(params) != 2 {
		t.Fatal(q)
	}
	if *params[0] != `[{"a":1},{"a":3}]` || *params[1] != `[{"b":2}]` {
		t.Fatal(*params[0], *params[1])
	}
}

// statementOf is what a batch does: each message's result read on its own, then one statement.
func statementOf(table, key string, results ...string) (string, []*string, error) {
	var all []Row
	for _, r := range results {
		rows, err := Rows(r, key)
		if err != nil {
			return "", nil, err
		}
		all = append(all, rows...)
	}
	return Statement(table, key, all)
}

func TestABatchOfMessagesIsOneStatementWhereTheLatestMessageOfAKeyWins(t *testing.T) {
	q, params, err := statementOf("t", "id", `{"id": 1, "v": "first"}`, `[{"id": 2, "v": "x"}]`, ``, `{"id": 1, "v": "latest"}`)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(q, "WITH") || len(params) != 1 || *params[0] != `[{"id":1,"v":"latest"},{"id":2,"v":"x"}]` {
		t.Fatal(q, *params[0])
	}
}

func TestNothingToWrite(t *testing.T) {
	for _, result := range []string{"", "  ", "{}", "[]", "[{}]"} {
		q, _, err := statementOf("t", "", result)
		if err != nil || q != "" {
			t.Fatalf("%q: %q %v", result, q, err)
		}
	}
}

func TestRefusals(t *testing.T) {
	cases := map[string][2]string{
		"not JSON":            {"", `hello`},
		"a string":            {"", `"x"`},
		"an array of numbers": {"", `[1]`},
		"a null row":          {"", `[null]`},
		"a bad column":        {"", `{"a b": 1}`},
		"a quote in a column": {"", `{"a\"": 1}`},
		"a column twice":      {"", `{"a": 1, "A": 2}`},
		"no key value":        {"id", `{"v": 1}`},
		"a null key":          {"id", `{"id": null}`},
		"not UTF-8":           {"", "{\"a\": \"\xff\"}"},
	}
	for name, c := range cases {
		if q, _, err := statementOf("t", c[0], c[1]); err == nil {
			t.Errorf("%s: accepted as %q", name, q)
		}
	}
	if _, _, err := statementOf(`t"; --`, "", `{"a": 1}`); err == nil {
		t.Error("a bad table name was accepted")
	}
}
