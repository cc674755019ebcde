package faketenant

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"strings"
)

//go:embed fixtures/*.json
var fixtureFS embed.FS

// Fixture is one task the tenant holds from the start.
type Fixture struct {
	Name string // the file name without .json
	ID   string
	JSON json.RawMessage
	// Beyond is true for a task carrying fields and enum values the spec
	// does not list yet; its answers are not checked against the spec.
	Beyond bool
}

// Fixture ids, for tests and the demo.
const (
	// A finished aggregation with every field set.
	CompleteTaskID = "2c91808a7813090a01781412a1110a30"
	// A queued task whose nullable fields are all null.
	RunningNullsTaskID = "2c9180867b6d2f51017b6f3a1b2c0001"
	// A failed aggregation with an ERROR and a WARN message.
	FailedTaskID = "2c91808a7813090a01781412a1110b40"
	// A task with fields and enum values newer than the spec.
	BeyondSpecTaskID = "2c91808a7813090a01781412a1110c50"
	// A task older than the 90-day retention: the tenant answers 404.
	ExpiredTaskID = "2c91808a6f1e2d3c016f1e2d3c4b0001"
)

// Fixtures returns the fixture tasks.
func Fixtures() []Fixture {
	entries, err := fixtureFS.ReadDir("fixtures")
	if err != nil {
		panic(err)
	}
	var out []Fixture
	for _, e := range entries {
		data, err := fixtureFS.ReadFile(path.Join("fixtures", e.Name()))
		if err != nil {
			panic(err)
		}
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(data, &head); err != nil || head.ID == "" {
			panic(fmt.Sprintf("fixture %s: %v", e.Name(), err))
		}
		name := strings.TrimSuffix(e.Name(), ".json")
		out = append(out, Fixture{Name: name, ID: head.ID, JSON: data, Beyond: strings.HasPrefix(name, "beyond-")})
	}
	return out
}

// FixtureJSON returns the document of a fixture task by id.
func FixtureJSON(id string) json.RawMessage {
	for _, f := range Fixtures() {
		if f.ID == id {
			return f.JSON
		}
	}
	panic("faketenant: no fixture " + id)
}
