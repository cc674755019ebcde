package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
)

// dynamicValue is a configuration object of a schema type with the given
// attributes set and every other one null.
func dynamicValue(b *testing.B, typ tftypes.Type, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	obj := typ.(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, t := range obj.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(t, nil)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// BenchmarkReadDataSource is one sailpoint_task_status read as Terraform
// asks for it over the protocol, against the fake tenant: the provider's
// own cost per read in a plan.
func BenchmarkReadDataSource(b *testing.B) {
	ft := faketenant.New().Start()
	defer ft.Close()
	server, req := readServer(b, ft, faketenant.CompleteTaskID)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := server.ReadDataSource(context.Background(), req)
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatal(err, resp.Diagnostics)
		}
	}
}

// readServer is a configured provider server for ft and the request that
// reads task id with sailpoint_task_status.
func readServer(b *testing.B, ft *faketenant.Tenant, id string) (tfprotov6.ProviderServer, *tfprotov6.ReadDataSourceRequest) {
	ctx := context.Background()
	server := providerserver.NewProtocol6(testProvider(testLedgerDir))()

	var pSchema provider.SchemaResponse
	testProvider(testLedgerDir).Schema(ctx, provider.SchemaRequest{}, &pSchema)
	pType := pSchema.Schema.Type().TerraformType(ctx)
	var dSchema datasource.SchemaResponse
	NewTaskStatusDataSource().Schema(ctx, datasource.SchemaRequest{}, &dSchema)
	dType := dSchema.Schema.Type().TerraformType(ctx)

	if _, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		b.Fatal(err)
	}
	cfg, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.5.7",
		Config: dynamicValue(b, pType, map[string]tftypes.Value{
			"base_url":      tftypes.NewValue(tftypes.String, ft.URL()),
			"client_id":     tftypes.NewValue(tftypes.String, faketenant.DefaultClientID),
			"client_secret": tftypes.NewValue(tftypes.String, faketenant.DefaultClientSecret),
			"rate_limit":    tftypes.NewValue(tftypes.Number, 100000),
		}),
	})
	if err != nil || len(cfg.Diagnostics) > 0 {
		b.Fatal(err, cfg.Diagnostics)
	}
	return server, &tfprotov6.ReadDataSourceRequest{
		TypeName: "sailpoint_task_status",
		Config:   dynamicValue(b, dType, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)}),
	}
}
