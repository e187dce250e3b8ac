"""Models, one module per domain; importing this package registers them all."""

from workspace.models.accounts import User
from workspace.models.catalogue import (
    CatalogueChange,
    CatalogueItem,
    Cluster,
    ClusterRole,
    ClusterSet,
    CommonCoreArea,
    Component,
    ComponentGroup,
    ItemArea,
    ItemRole,
    ItemStatus,
    JobRole,
    Prerequisite,
)
from workspace.models.partnerships import (
    Invitation,
    MemberLogEntry,
    Membership,
    Organisation,
    Partnership,
    Representative,
)

__all__ = [
    "CatalogueChange",
    "CatalogueItem",
    "Cluster",
    "ClusterRole",
    "ClusterSet",
    "CommonCoreArea",
    "Component",
    "ComponentGroup",
    "ItemArea",
    "ItemRole",
    "ItemStatus",
    "JobRole",
    "Prerequisite",
    "Invitation",
    "MemberLogEntry",
    "Membership",
    "Organisation",
    "Partnership",
    "Representative",
    "User",
]
