package main

import (
	"os"
	"testing"
)

func TestQuietWhenTerraformIsQuiet(t *testing.T) {
	for _, name := range logSettings {
		t.Setenv(name, "")
	}
	quietWhenTerraformIsQuiet()
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		if got := os.Getenv(name); got != "off" {
			t.Errorf("%s = %q with no log asked for, want off", name, got)
		}
	}

	// Any request for logs leaves every level as the user set it.
	for _, asked := range logSettings {
		for _, name := range logSettings {
			t.Setenv(name, "")
		}
		t.Setenv(asked, "TRACE")
		quietWhenTerraformIsQuiet()
		for _, name := range logSettings {
			if name != asked && os.Getenv(name) != "" {
				t.Errorf("with %s set, %s was changed to %q", asked, name, os.Getenv(name))
			}
		}
	}
}
