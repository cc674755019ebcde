# Adopt an import job started elsewhere (a killed CI run) by its jobId:
# the next apply waits for it and gates it, importing nothing.
import {
  to = sailpoint_config_import.transforms
  id = "3469b87d-48ca-439a-868f-2160001da8c1"
}
