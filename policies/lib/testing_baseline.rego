# GENERATED from baselines/flowforge.yaml by src/policy/testing.rs
# (`FLOWFORGE_REGENERATE=1 cargo test --lib testing_baseline`): the prod view of account
# 123456789012 as `flowforge-audit` builds it, for the Rego unit tests. Do not edit.
package flowforge.lib.testing

baseline := {
  "environment": "prod",
  "account_id": "123456789012",
  "partition": "aws",
  "recognise": {
    "app_tag": {
      "key": "flowforge:app",
      "value": "flowforge"
    },
    "environment_tag": "flowforge:env",
    "tier_tag": "flowforge:tier",
    "layer_tag": "flowforge:layer",
    "role_tag": "flowforge:role",
    "name_prefix": "flowforge-prod-"
  },
  "requirements": {
    "rds_multi_az": true,
    "nat_gateway_per_az": true,
    "min_private_subnet_azs": 2,
    "s3_kms_required": true,
    "s3_versioning_required": true,
    "secret_rotation_max_days": 30,
    "flow_logs_required": true,
    "imdsv2_required": true,
    "eks_public_endpoint_allowed": false,
    "config_recorder_required": true,
    "waf_required": true,
    "waf_logging_required": true,
    "certificate_expiry_days": 30,
    "alarms_required": true,
    "alarm_topics_kms_required": true,
    "log_retention_min_days": 365,
    "log_retention_max_days": 3653,
    "log_groups_kms_required": true,
    "rds_backup_retention_days": 14,
    "rds_deletion_protection": true,
    "s3_noncurrent_version_lifecycle": true,
    "ssm_customer_managed_key": true,
    "cloudtrail_required": true,
    "kms_rotation_required": true
  },
  "gate": {
    "fail_on": "medium",
    "require_complete_audit": true,
    "fail_on_drift": [
      "missing",
      "changed",
      "unmanaged"
    ]
  },
  "architecture": {
    "vpc": {
      "name": "flowforge-prod-vpc",
      "required_endpoints": [
        {
          "service": "s3",
          "type": "Gateway"
        },
        {
          "service": "secretsmanager",
          "type": "Interface",
          "private_dns": true
        }
      ]
    },
    "tiers": {
      "control-plane": {
        "description": "Next.js UI/API containers (ECS/App Runner).",
        "subnet_visibility": "private"
      },
      "data-plane": {
        "description": "EKS nodes running the Prefect server and workers.",
        "subnet_visibility": "private"
      },
      "database": {
        "description": "RDS PostgreSQL metadata database.",
        "subnet_visibility": "private"
      },
      "public": {
        "description": "ALB and NAT gateways (public subnets).",
        "subnet_visibility": "public"
      }
    },
    "flows": [
      {
        "from": "internet",
        "to": "public",
        "ports": [
          443,
          80
        ]
      },
      {
        "from": "public",
        "to": "control-plane",
        "ports": [
          3000
        ]
      },
      {
        "from": "public",
        "to": "data-plane",
        "ports": [
          4200
        ]
      },
      {
        "from": "control-plane",
        "to": "data-plane",
        "ports": [
          4200
        ]
      },
      {
        "from": "data-plane",
        "to": "database",
        "ports": [
          5432
        ]
      }
    ],
    "admin_ports": [
      22,
      3389
    ],
    "database_ports": [
      5432
    ],
    "data_lake": {
      "layers": [
        "landing",
        "bronze",
        "silver",
        "gold"
      ],
      "bucket_name": "flowforge-prod-{layer}",
      "buckets": {
        "landing": "flowforge-prod-landing",
        "bronze": "flowforge-prod-bronze",
        "silver": "flowforge-prod-silver",
        "gold": "flowforge-prod-gold"
      }
    },
    "database": {
      "identifier": "flowforge-prod-metadata",
      "engine": "postgres",
      "port": 5432,
      "storage_encrypted": true,
      "force_ssl": true
    },
    "secrets": [
      "flowforge/prod/database",
      "flowforge/prod/prefect-api"
    ],
    "load_balancer": {
      "name": "flowforge-prod-alb",
      "allowed_ssl_policies": [
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06"
      ]
    },
    "eks_cluster": {
      "name": "flowforge-prod-data-plane"
    },
    "config_recorder": true,
    "compute": {
      "control_plane": {
        "host": "ecs",
        "cluster": "flowforge-prod-control-plane",
        "service": "flowforge-prod-ui",
        "task_role": "flowforge-prod-control-plane",
        "execution_role": "flowforge-prod-ecs-execution",
        "read_only_root_filesystem": true,
        "non_privileged": true
      },
      "ecr": {
        "repositories": [
          "flowforge-prod-ui",
          "flowforge-prod-flows"
        ],
        "kms_required": true,
        "allowed_accounts": []
      },
      "irsa": {
        "role": "flowforge-prod-prefect-worker",
        "service_accounts": [
          "system:serviceaccount:prefect:prefect-worker"
        ]
      },
      "node_groups": [
        "flowforge-prod-workers"
      ],
      "node_role": "flowforge-prod-eks-node",
      "node_allowed_actions": [
        "ec2:Describe*",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
        "ec2:AssignIpv6Addresses",
        "ec2:AttachNetworkInterface",
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DetachNetworkInterface",
        "ec2:ModifyNetworkInterfaceAttribute",
        "ec2:CreateTags",
        "eks:DescribeCluster",
        "eks-auth:AssumeRoleForPodIdentity",
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "ecr:Describe*",
        "ecr:List*",
        "ecr:GetRepositoryPolicy",
        "ecr:GetLifecyclePolicy*",
        "ecr:BatchImportUpstreamImage",
        "logs:CreateLogStream",
        "logs:PutLogEvents"
      ],
      "eks_log_types": [
        "api",
        "audit",
        "authenticator"
      ]
    },
    "perimeter": {
      "waf": {
        "rule_groups": [
          "AWSManagedRulesCommonRuleSet",
          "AWSManagedRulesKnownBadInputsRuleSet"
        ]
      },
      "certificate": {
        "domain": "*.prod.flowforge.example.com",
        "min_rsa_bits": 2048
      },
      "alarm_topics": [
        "flowforge-prod-alerts"
      ],
      "alarms": [
        {
          "name": "flowforge-prod-prefect-run-failures",
          "description": "Prefect flow runs failing",
          "namespace": "FlowForge/Prefect",
          "metric": "FlowRunsFailed",
          "dimensions": {
            "Environment": "prod"
          }
        },
        {
          "name": "flowforge-prod-api-latency",
          "description": "API latency at the load balancer",
          "namespace": "AWS/ApplicationELB",
          "metric": "TargetResponseTime",
          "dimensions": {
            "LoadBalancer": "app/flowforge-prod-alb/*"
          }
        },
        {
          "name": "flowforge-prod-database-cpu",
          "description": "CPU pressure on the metadata database",
          "namespace": "AWS/RDS",
          "metric": "CPUUtilization",
          "dimensions": {
            "DBInstanceIdentifier": "flowforge-prod-metadata"
          }
        },
        {
          "name": "flowforge-prod-database-storage",
          "description": "Free storage of the metadata database",
          "namespace": "AWS/RDS",
          "metric": "FreeStorageSpace",
          "dimensions": {
            "DBInstanceIdentifier": "flowforge-prod-metadata"
          }
        }
      ],
      "log_groups": [
        "/aws/eks/flowforge-prod-data-plane/cluster",
        "/ecs/flowforge-prod-control-plane",
        "/flowforge/prod/prefect",
        "/flowforge/prod/vpc-flow-logs"
      ]
    },
    "parameter_store": {
      "prefixes": [
        "/flowforge/prod/"
      ],
      "secret_name_patterns": [
        "password",
        "secret",
        "token",
        "api-key",
        "api_key",
        "private-key",
        "credentials"
      ]
    },
    "audit_trail": {
      "name": "flowforge-prod-trail"
    }
  },
  "roles": {
    "auditor": {
      "name": "flowforge-prod-auditor",
      "trusted_principals": {
        "AWS": [
          "arn:aws:iam::123456789012:root"
        ]
      },
      "allow": [
        {
          "actions": [
            "ec2:Describe*",
            "ec2:GetEbsEncryptionByDefault",
            "ec2:GetEbsDefaultKmsKeyId",
            "s3:ListAllMyBuckets",
            "s3:GetBucket*",
            "s3:GetEncryptionConfiguration",
            "s3:GetAccountPublicAccessBlock",
            "s3:GetLifecycleConfiguration",
            "rds:Describe*",
            "iam:Get*",
            "iam:List*",
            "iam:GenerateCredentialReport",
            "secretsmanager:DescribeSecret",
            "secretsmanager:ListSecrets",
            "secretsmanager:GetResourcePolicy",
            "config:Describe*",
            "config:Get*",
            "elasticloadbalancing:Describe*",
            "eks:Describe*",
            "eks:List*",
            "logs:Describe*",
            "cloudtrail:Describe*",
            "cloudtrail:Get*",
            "sts:GetCallerIdentity"
          ],
          "resources": [
            "*"
          ]
        }
      ]
    },
    "control-plane": {
      "name": "flowforge-prod-control-plane",
      "trusted_principals": {
        "Service": [
          "ecs-tasks.amazonaws.com",
          "tasks.apprunner.amazonaws.com"
        ]
      },
      "allow": [
        {
          "actions": [
            "secretsmanager:GetSecretValue",
            "secretsmanager:DescribeSecret"
          ],
          "resources": [
            "arn:aws:secretsmanager:*:123456789012:secret:flowforge/prod/*"
          ]
        },
        {
          "actions": [
            "s3:ListBucket",
            "s3:GetObject"
          ],
          "resources": [
            "arn:aws:s3:::flowforge-prod-*",
            "arn:aws:s3:::flowforge-prod-*/*"
          ]
        },
        {
          "actions": [
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "xray:PutTraceSegments"
          ],
          "resources": [
            "*"
          ]
        }
      ]
    },
    "data-engineer": {
      "name": "flowforge-prod-data-engineer",
      "trusted_principals": {
        "AWS": [
          "arn:aws:iam::123456789012:root"
        ]
      },
      "allow": [
        {
          "actions": [
            "s3:ListBucket",
            "s3:GetBucketLocation"
          ],
          "resources": [
            "arn:aws:s3:::flowforge-prod-*"
          ]
        },
        {
          "actions": [
            "s3:GetObject",
            "s3:PutObject"
          ],
          "resources": [
            "arn:aws:s3:::flowforge-prod-bronze/*",
            "arn:aws:s3:::flowforge-prod-silver/*",
            "arn:aws:s3:::flowforge-prod-gold/*"
          ]
        },
        {
          "actions": [
            "s3:GetObject"
          ],
          "resources": [
            "arn:aws:s3:::flowforge-prod-landing/*"
          ]
        }
      ]
    },
    "devops": {
      "name": "flowforge-prod-devops",
      "trusted_principals": {
        "AWS": [
          "arn:aws:iam::123456789012:root"
        ]
      },
      "allow": [
        {
          "actions": [
            "ec2:Describe*",
            "eks:Describe*",
            "eks:List*",
            "eks:UpdateClusterVersion",
            "eks:UpdateNodegroupVersion",
            "rds:Describe*",
            "rds:RebootDBInstance",
            "rds:CreateDBSnapshot",
            "logs:Describe*",
            "logs:Get*",
            "cloudwatch:Describe*",
            "cloudwatch:Get*",
            "cloudwatch:PutMetricAlarm",
            "ecr:*",
            "ecs:UpdateService",
            "ecs:Describe*",
            "ecs:List*"
          ],
          "resources": [
            "*"
          ]
        },
        {
          "actions": [
            "secretsmanager:DescribeSecret",
            "secretsmanager:ListSecrets",
            "secretsmanager:RotateSecret"
          ],
          "resources": [
            "arn:aws:secretsmanager:*:123456789012:secret:flowforge/prod/*"
          ]
        }
      ]
    },
    "prefect-worker": {
      "name": "flowforge-prod-prefect-worker",
      "trusted_principals": {
        "Federated": [
          "arn:aws:iam::123456789012:oidc-provider/oidc.eks.*.amazonaws.com/id/*"
        ],
        "Service": [
          "ec2.amazonaws.com"
        ]
      },
      "allow": [
        {
          "actions": [
            "s3:ListBucket"
          ],
          "resources": [
            "arn:aws:s3:::flowforge-prod-*"
          ]
        },
        {
          "actions": [
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject"
          ],
          "resources": [
            "arn:aws:s3:::flowforge-prod-*/*"
          ]
        },
        {
          "actions": [
            "secretsmanager:GetSecretValue",
            "secretsmanager:DescribeSecret"
          ],
          "resources": [
            "arn:aws:secretsmanager:*:123456789012:secret:flowforge/prod/*"
          ]
        },
        {
          "actions": [
            "logs:CreateLogStream",
            "logs:PutLogEvents"
          ],
          "resources": [
            "*"
          ]
        }
      ]
    }
  },
  "network": {
    "tier_name_patterns": {
      "control-plane": [
        "flowforge-prod-control-plane*",
        "flowforge-prod-cp-*"
      ],
      "data-plane": [
        "flowforge-prod-data-plane*",
        "flowforge-prod-dp-*"
      ],
      "database": [
        "flowforge-prod-database*",
        "flowforge-prod-db-*"
      ],
      "public": [
        "flowforge-prod-public*",
        "flowforge-prod-alb*"
      ]
    },
    "nacl_isolation": true
  }
}
