"""Entity data model declarations for the SAP sandbox, and the `$metadata` EDMX written from them.

The sandbox declares each OData V2 service it serves as plain data: entity sets with their key,
typed properties and navigations, plus function imports. The same declarations drive parsing
(literals in keys and `$filter`), serialisation (`/Date(ms)/`, decimals as strings) and the EDMX
document that `pyodata` and other clients read. The shapes follow the entity types our adapter
uses; they are written here, not copied from SAP's published EDMX.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from xml.sax.saxutils import quoteattr

__all__ = [
    "EDM_TYPES",
    "EntitySet",
    "FunctionImport",
    "Nav",
    "Prop",
    "Service",
    "metadata_xml",
    "navs",
    "props",
]

EDM_TYPES = frozenset(
    {"String", "Decimal", "DateTime", "DateTimeOffset", "Time", "Boolean", "Guid", "Int32"}
)


@dataclass(frozen=True)
class Prop:
    """A typed property (`Edm.<type>`); `MaxLength`, `Precision`/`Scale` as SAP declares them."""

    name: str
    type: str
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True
    creatable: bool = True
    updatable: bool = True

    def __post_init__(self) -> None:
        if self.type not in EDM_TYPES:
            raise ValueError(f"unknown Edm type {self.type!r} for {self.name}")


_KINDS = {
    "S": "String",
    "D": "Decimal",
    "DT": "DateTime",
    "DTO": "DateTimeOffset",
    "T": "Time",
    "B": "Boolean",
    "G": "Guid",
    "I": "Int32",
}
_SPEC = re.compile(r"^(\w+):(DTO|DT|[SDTBGI])([\d.]*)(!?)(~?)$")


def props(spec: str) -> tuple[Prop, ...]:
    """Properties from a compact spec: `Name:S10` (string, MaxLength 10), `Amount:D` (decimal
    14,3) or `Rate:D9.5`, `Day:DT`, `Stamp:DTO`, `Clock:T`, `Flag:B`, `Id:G`, `Count:I`; a `!`
    after the type: not creatable (SAP fills it), a `~`: not nullable."""
    out = []
    for word in spec.split():
        match = _SPEC.match(word)
        if match is None:
            raise ValueError(f"bad property spec {word!r}")
        name, code, size, fixed, required = match.groups()
        kind = _KINDS[code]
        precision: int | None = None
        scale: int | None = None
        length: int | None = None
        if kind == "String":
            length = int(size)
        elif kind == "Decimal":
            digits, _, places = (size or "14.3").partition(".")
            precision, scale = int(digits), int(places or 0)
        elif kind in ("DateTime", "Time"):
            precision = 0
        elif kind == "DateTimeOffset":
            precision = 7
        out.append(
            Prop(name, kind, length, precision, scale, nullable=not required, creatable=not fixed)
        )
    return tuple(out)


def navs(spec: str) -> tuple[Nav, ...]:
    """Navigations from a compact spec: `to_X>A_Target*(Key1,Key2)`; `*` marks a to-many one,
    each key joins the source property to the target property of the same name (or `a=b`)."""
    out = []
    for word in spec.split():
        head, _, keys = word.rstrip(")").partition("(")
        name, _, target = head.partition(">")
        pairs = tuple((k.partition("=")[0], k.partition("=")[2] or k) for k in keys.split(",") if k)
        out.append(Nav(name, target.rstrip("*"), pairs, target.endswith("*")))
    return tuple(out)


@dataclass(frozen=True)
class Nav:
    """A navigation to another set of the same service, joined on `pairs` (source, target)."""

    name: str
    target: str
    pairs: tuple[tuple[str, str], ...]
    many: bool


@dataclass(frozen=True)
class EntitySet:
    """An entity set and its entity type (`<name>Type`)."""

    name: str
    keys: tuple[str, ...]
    props: tuple[Prop, ...]
    navs: tuple[Nav, ...] = ()
    creatable: bool = False
    updatable: bool = False
    deletable: bool = False

    @property
    def type_name(self) -> str:
        """The entity type's name, as SAP names them: `A_SupplierType`."""
        return f"{self.name}Type"

    @cached_property
    def by_name(self) -> dict[str, Prop]:
        """Properties by name."""
        return {p.name: p for p in self.props}

    @cached_property
    def nav_by_name(self) -> dict[str, Nav]:
        """Navigations by name."""
        return {n.name: n for n in self.navs}

    def key_of(self, row: dict[str, object]) -> tuple[object, ...]:
        """The key tuple of a stored row."""
        return tuple(row[k] for k in self.keys)


@dataclass(frozen=True)
class FunctionImport:
    """A function import; parameters come in the query string, the result is a complex type."""

    name: str
    http_method: str
    params: tuple[Prop, ...]
    returns: str
    result: tuple[Prop, ...]


@dataclass(frozen=True)
class Service:
    """One OData V2 service: its name under `/sap/opu/odata/sap/`, sets and function imports."""

    name: str
    sets: tuple[EntitySet, ...]
    functions: tuple[FunctionImport, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @cached_property
    def set_by_name(self) -> dict[str, EntitySet]:
        """Entity sets by name."""
        return {es.name: es for es in self.sets}

    @cached_property
    def function_by_name(self) -> dict[str, FunctionImport]:
        """Function imports by name."""
        return {f.name: f for f in self.functions}


def _prop_xml(prop: Prop, key: bool = False) -> str:
    attrs = [f'Name="{prop.name}"', f'Type="Edm.{prop.type}"']
    if key or not prop.nullable:
        attrs.append('Nullable="false"')
    if prop.max_length is not None:
        attrs.append(f'MaxLength="{prop.max_length}"')
    if prop.precision is not None:
        attrs.append(f'Precision="{prop.precision}"')
    if prop.scale is not None:
        attrs.append(f'Scale="{prop.scale}"')
    if not prop.creatable:
        attrs.append('sap:creatable="false"')
    if not prop.updatable or key:
        attrs.append('sap:updatable="false"')
    return f"<Property {' '.join(attrs)}/>"


def _bool(flag: bool) -> str:
    return "true" if flag else "false"


def _assoc_name(es: EntitySet, nav: Nav) -> str:
    return f"assoc_{es.name}_{nav.name}"


def _entity_type_xml(service: Service, es: EntitySet) -> Iterable[str]:
    yield f'<EntityType Name="{es.type_name}">'
    yield "<Key>" + "".join(f'<PropertyRef Name="{k}"/>' for k in es.keys) + "</Key>"
    for prop in es.props:
        yield _prop_xml(prop, key=prop.name in es.keys)
    for nav in es.navs:
        assoc = _assoc_name(es, nav)
        yield (
            f'<NavigationProperty Name="{nav.name}" Relationship="{service.name}.{assoc}" '
            f'FromRole="FromRole_{assoc}" ToRole="ToRole_{assoc}"/>'
        )
    yield "</EntityType>"


def _association_xml(service: Service, es: EntitySet, nav: Nav) -> Iterable[str]:
    target = service.set_by_name[nav.target]
    assoc = _assoc_name(es, nav)
    many = "*" if nav.many else "0..1"
    yield (
        f'<Association Name="{assoc}">'
        f'<End Type="{service.name}.{es.type_name}" Multiplicity="1" Role="FromRole_{assoc}"/>'
        f'<End Type="{service.name}.{target.type_name}" Multiplicity="{many}" '
        f'Role="ToRole_{assoc}"/>'
        "<ReferentialConstraint>"
        f'<Principal Role="FromRole_{assoc}">'
        + "".join(f'<PropertyRef Name="{src}"/>' for src, _ in nav.pairs)
        + "</Principal>"
        f'<Dependent Role="ToRole_{assoc}">'
        + "".join(f'<PropertyRef Name="{dst}"/>' for _, dst in nav.pairs)
        + "</Dependent></ReferentialConstraint></Association>"
    )


def metadata_xml(service: Service) -> str:
    """The service's `$metadata` document (EDMX 1.0, OData V2, SAP annotations)."""
    ns = service.name
    out: list[str] = [
        '<?xml version="1.0" encoding="utf-8"?>',
        (
            '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" '
            'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" '
            'xmlns:sap="http://www.sap.com/Protocols/SAPData">'
        ),
        '<edmx:DataServices m:DataServiceVersion="2.0">',
        (
            f'<Schema Namespace="{ns}" xml:lang="en" sap:schema-version="1" '
            'xmlns="http://schemas.microsoft.com/ado/2008/09/edm">'
        ),
    ]
    for es in service.sets:
        out.extend(_entity_type_xml(service, es))
    for fn in service.functions:
        out.append(f'<ComplexType Name="{fn.returns}">')
        out.extend(_prop_xml(p) for p in fn.result)
        out.append("</ComplexType>")
    for es in service.sets:
        for nav in es.navs:
            out.extend(_association_xml(service, es, nav))
    out.append(
        f'<EntityContainer Name="{ns}_Entities" m:IsDefaultEntityContainer="true" '
        'sap:supported-formats="atom json xlsx">'
    )
    for es in service.sets:
        out.append(
            f'<EntitySet Name="{es.name}" EntityType="{ns}.{es.type_name}" '
            f'sap:creatable="{_bool(es.creatable)}" sap:updatable="{_bool(es.updatable)}" '
            f'sap:deletable="{_bool(es.deletable)}" sap:content-version="1"/>'
        )
    for es in service.sets:
        for nav in es.navs:
            assoc = _assoc_name(es, nav)
            out.append(
                f'<AssociationSet Name="{assoc}_set" Association="{ns}.{assoc}" '
                'sap:creatable="false" sap:updatable="false" sap:deletable="false" '
                'sap:content-version="1">'
                f'<End EntitySet="{es.name}" Role="FromRole_{assoc}"/>'
                f'<End EntitySet="{nav.target}" Role="ToRole_{assoc}"/>'
                "</AssociationSet>"
            )
    for fn in service.functions:
        out.append(
            f'<FunctionImport Name="{fn.name}" ReturnType="{ns}.{fn.returns}" '
            f"m:HttpMethod={quoteattr(fn.http_method)}>"
        )
        for p in fn.params:
            length = f' MaxLength="{p.max_length}"' if p.max_length else ""
            out.append(f'<Parameter Name="{p.name}" Type="Edm.{p.type}" Mode="In"{length}/>')
        out.append("</FunctionImport>")
    out.append("</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>")
    return "".join(out)
