# VPC topology lookups for the VPC-level checks, built once per evaluation (sets keyed by id)
# so that no check joins collections resource by resource. Reference these rules by their
# full path (data.flowforge.lib.vpc.<rule>), not through an import alias.
package flowforge.lib.vpc

import data.flowforge.lib
import rego.v1

# FlowForge VPCs.
flowforge_vpcs contains v.id if {
	some v in input.ec2.vpcs
	lib.is_flowforge(v)
}

# Route tables with a default route (0.0.0.0/0) to an internet gateway.
igw_route_tables contains rt.id if {
	some rt in input.ec2.route_tables
	some r in rt.routes
	r.destination_cidr_block == "0.0.0.0/0"
	gw := r.gateway_id
	is_string(gw)
	startswith(gw, "igw-")
}

# Subnets with an explicit route-table association, and those whose table is public.
explicitly_associated contains sid if {
	some rt in input.ec2.route_tables
	some sid in rt.subnet_ids
}

public_by_association contains sid if {
	some rt in input.ec2.route_tables
	rt.id in igw_route_tables
	some sid in rt.subnet_ids
}

# VPCs whose main route table (used by subnets without an association) is public.
public_main_table_vpcs contains rt.vpc_id if {
	some rt in input.ec2.route_tables
	rt.main == true
	rt.id in igw_route_tables
}

# A subnet is private when the route table that applies to it has no default route to an IGW.
private_subnet(s) if {
	s.id in explicitly_associated
	not s.id in public_by_association
}

private_subnet(s) if {
	not s.id in explicitly_associated
	not s.vpc_id in public_main_table_vpcs
}

# [vpc id, AZ] for every private subnet.
private_subnet_azs contains [s.vpc_id, s.availability_zone] if {
	some s in input.ec2.subnets
	s.id in explicitly_associated
	not s.id in public_by_association
}

private_subnet_azs contains [s.vpc_id, s.availability_zone] if {
	some s in input.ec2.subnets
	not s.id in explicitly_associated
	not s.vpc_id in public_main_table_vpcs
}

# Every AZ that has a subnet (small: bounds the per-VPC lookups below).
subnet_azs contains s.availability_zone if some s in input.ec2.subnets

# The AZs in which a VPC has private subnets (O(#AZs · log n) per VPC).
private_azs(vpc_id) := {az | some az in subnet_azs; [vpc_id, az] in private_subnet_azs}

# Private subnets of FlowForge VPCs, by id (where the control plane, nodes and databases
# belong).
private_flowforge_subnets contains s.id if {
	some s in input.ec2.subnets
	s.vpc_id in flowforge_vpcs
	private_subnet(s)
}

# Every subnet id in the snapshot.
subnet_ids contains s.id if some s in input.ec2.subnets
