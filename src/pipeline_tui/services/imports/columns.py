"""Which file column feeds which field, from the header of a CRM export or a spreadsheet."""

# Known headers: HubSpot, Pipedrive, Salesforce and Zoho exports, and plain spreadsheet
# headers in English, German, French and Spanish.

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.models.outcomes import fold

ENTITIES = ("leads", "deals", "activities", "companies", "people")

# field -> header aliases, normalised (see norm()), most specific first. A header that matches
# nothing is kept as a custom field, never dropped.
_COMMON_ID = ("externalid", "recordid", "id", "zohoid", "crmid")
_OWNER = ("owner", "ownername", "ownerid", "salesagent", "salesrep", "salesperson",
          "assignedto", "assignee", "besitzer", "verantwortlich", "zustandig", "vertriebler",
          "proprietaire", "responsable", "commercial", "propietario", "vendedor",
          "agente")  # fmt: skip
_COMPANY = ("company", "companyname", "organization", "organisation", "organizationname",
            "organisationname", "account", "accountname", "firma", "firmenname", "unternehmen",
            "kunde", "societe", "entreprise", "organisme", "empresa", "compania",
            "cliente")  # fmt: skip
_EMAIL = ("email", "emailaddress", "mail", "email1", "primaryemail", "workemail",
          "emailadresse", "courriel", "adresseemail", "correo", "correoelectronico")  # fmt: skip
_CREATED = ("createdat", "createdate", "createddate", "created", "createdon", "createdtime",
            "datecreated", "creationdate", "erstelltam", "erstellungsdatum", "angelegtam",
            "datedecreation", "creele", "fechadecreacion", "creado")  # fmt: skip
# A record's company by its old CRM's id (Salesforce AccountId): resolved against the
# companies' external ids, and kept as a custom field too, so that a later `import companies`
# links the records imported before it (import_contacts_sql.py).
COMPANY_REF = ("accountid", "companyid", "organizationid", "organisationid", "orgid",
               "associatedcompanyid", "associatedcompanyids")  # fmt: skip
_PHONE = ("phone", "phonenumber", "mobile", "mobilephone", "mobilephonenumber", "telephone",
          "tel", "telefon", "telefonnummer", "handy", "telefono", "movil", "phonework")  # fmt: skip
_FIRST = ("firstname", "givenname", "forename", "vorname", "prenom", "nombre")
_LAST = ("lastname", "surname", "familyname", "nachname", "nom", "apellido", "apellidos")
_NOTES = ("notes", "note", "description", "comments", "comment", "notizen", "notiz",
          "bemerkung", "bemerkungen", "beschreibung", "remarques", "commentaire", "notas",
          "comentarios", "descripcion")  # fmt: skip

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "leads": {
        "external_id": (*_COMMON_ID, "leadid", "contactid", "personid"),
        "name": (
            "name",
            "fullname",
            "contactname",
            "leadname",
            "personname",
            "contact",
            "nomcomplet",
            "nombrecompleto",
            "vollstandigername",
        ),  # fmt: skip
        "first_name": ("firstname", "givenname", "forename", "vorname", "prenom", "nombre"),
        "last_name": (
            "lastname",
            "surname",
            "familyname",
            "nachname",
            "nom",
            "apellido",
            "apellidos",
        ),  # fmt: skip
        "company": (*_COMPANY, "personorganization"),
        "email": (*_EMAIL, "personemail"),
        "phone": (
            "phone",
            "phonenumber",
            "mobile",
            "mobilephone",
            "mobilephonenumber",
            "telephone",
            "tel",
            "telefon",
            "telefonnummer",
            "handy",
            "telefono",
            "movil",
            "personphone",
        ),  # fmt: skip
        "source": (
            "source",
            "leadsource",
            "originalsource",
            "channel",
            "quelle",
            "herkunft",
            "leadquelle",
            "origine",
            "provenance",
            "origen",
            "fuente",
        ),  # fmt: skip
        "owner": (*_OWNER, "leadowner", "contactowner", "recordowner"),
        "status": ("status", "leadstatus", "statut", "estado", "zustand"),
        "notes": _NOTES,
        "created_at": _CREATED,
        "disqualify_reason": (
            "disqualifyreason",
            "disqualificationreason",
            "unqualifiedreason",
        ),  # fmt: skip
        "custom": ("custom", "customfields"),
    },
    "deals": {
        "external_id": (*_COMMON_ID, "dealid", "opportunityid", "potentialid"),
        "title": (
            "title",
            "dealname",
            "dealtitle",
            "opportunityname",
            "potentialname",
            "name",
            "titel",
            "bezeichnung",
            "titre",
            "nomdelaffaire",
            "opportunite",
            "oportunidad",
            "titulo",
        ),  # fmt: skip
        # HubSpot's deal export names the company "Associated Company".
        "company": (*_COMPANY, "dealorganization", "associatedcompany"),
        "contact": (
            "contact",
            "contactname",
            "contactperson",
            "person",
            "personname",
            "dealcontactperson",
            "ansprechpartner",
            "contacto",
        ),  # fmt: skip
        "contact_email": (*_EMAIL, "contactemail", "personemail"),
        "owner": (*_OWNER, "dealowner", "opportunityowner"),
        "pipeline": ("pipeline", "dealpipeline", "salespipeline"),
        "stage": (
            "stage",
            "dealstage",
            "stagename",
            "salesstage",
            "phase",
            "etape",
            "etapa",
            "fase",
            "verkaufsphase",
        ),  # fmt: skip
        "status": ("status", "dealstatus", "outcome"),
        # Salesforce's flags: where a file has them they decide won, lost or open, whatever
        # its (possibly custom) stage is called.
        "is_won": ("iswon",),
        "is_closed": ("isclosed",),
        "stage_order": ("stagesortorder", "stageorder"),
        "value": (
            "value",
            "amount",
            "dealvalue",
            "dealamount",
            "closevalue",
            "opportunityamount",
            "wert",
            "betrag",
            "auftragswert",
            "montant",
            "valeur",
            "importe",
            "valor",
            "monto",
        ),  # fmt: skip
        "currency": (
            "currency",
            "currencyisocode",
            "currencycode",
            "dealcurrency",
            "wahrung",
            "devise",
            "moneda",
            "divisa",
        ),  # fmt: skip
        "probability": (
            "probability",
            "dealprobability",
            "winprobability",
            "wahrscheinlichkeit",
            "probabilite",
            "probabilidad",
        ),  # fmt: skip
        "category": ("category", "forecastcategoryname", "forecastcategory", "forecast"),
        "close_date": (
            "closedate",
            "expectedclosedate",
            "expectedclose",
            "closingdate",
            "abschlussdatum",
            "datedecloture",
            "fechadecierre",
        ),  # fmt: skip
        "next_step": (
            "nextstep",
            "nextsteps",
            "nachsterschritt",
            "prochaineetape",
            "siguientepaso",
        ),  # fmt: skip
        "next_due": ("nextdue", "nextstepdue", "nextactivitydate"),
        "lost_reason": (
            "lostreason",
            "lossreason",
            "closedlostreason",
            "reasonlost",
            "verlustgrund",
            "raisondelaperte",
            "motivodeperdida",
        ),  # fmt: skip
        "created_at": (*_CREATED, "dealcreated", "engagedate"),
        "closed_at": ("closedat", "closedon", "dealclosedon", "closedtime", "wontime"),
        "lead": ("lead", "leadref"),
        "company_ref": COMPANY_REF,
        "product": ("product", "productname", "produkt", "produit", "producto"),
        "custom": ("custom", "customfields"),
    },
    "activities": {
        "external_id": (*_COMMON_ID, "activityid", "taskid", "eventid"),
        "kind": ("kind", "type", "activitytype", "tasksubtype", "typ", "art", "tipo"),
        "subject": ("subject", "title", "activitysubject", "betreff", "objet", "asunto"),
        "deal": ("deal", "dealref", "opportunity", "opportunityid", "whatid"),
        "lead": ("lead", "leadref", "leademail", "whoid"),
        "owner": (*_OWNER, "activityowner", "taskowner"),
        "status": ("status", "state", "done"),
        "done_at": (
            "doneat",
            "completedat",
            "completed",
            "completeddate",
            "donetime",
            "markedasdonetime",
            "erledigtam",
        ),  # fmt: skip
        "due_at": (
            "dueat",
            "duedate",
            "due",
            "activitydate",
            "duedatetime",
            "fallig",
            "echeance",
            "vencimiento",
        ),  # fmt: skip
        "outcome": (
            "outcome",
            "result",
            "calldisposition",
            "ergebnis",
            "resultat",
            "resultado",
        ),  # fmt: skip
        "notes": _NOTES,
        "created_at": _CREATED,
    },
    # `pipeline import companies`: Salesforce Account, HubSpot companies, Pipedrive
    # organizations, Maven accounts.csv.
    "companies": {
        "external_id": (*_COMMON_ID, "accountid", "companyid", "organizationid", "orgid"),
        "name": (
            "name",
            "companyname",
            "accountname",
            "organizationname",
            "organisationname",
            "company",
            "account",
            "organization",
            "organisation",
            "firma",
            "firmenname",
            "unternehmen",
            "societe",
            "entreprise",
            "raisonsociale",
            "empresa",
            "compania",
        ),
        "domain": (
            "domain",
            "companydomainname",
            "domainname",
            "webdomain",
            "website",
            "websiteurl",
            "url",
            "web",
            "webseite",
            "siteweb",
            "sitioweb",
        ),
        "industry": ("industry", "sector", "branche", "secteur", "industria", "sectoractividad"),
        "size": (
            "size",
            "numberofemployees",
            "employees",
            "employeecount",
            "companysize",
            "headcount",
            "mitarbeiter",
            "mitarbeiterzahl",
            "effectif",
            "empleados",
        ),
        "city": ("city", "billingcity", "addresscity", "town", "stadt", "ort", "ville", "ciudad"),
        "country": (
            "country",
            "countryregion",
            "billingcountry",
            "addresscountry",
            "officelocation",
            "land",
            "pays",
            "pais",
        ),
        "owner": (*_OWNER, "companyowner", "accountowner", "organizationowner"),
        "notes": _NOTES,
        "created_at": (*_CREATED, "organizationcreated", "addtime"),
        "custom": ("custom", "customfields"),
    },
    # `pipeline import people`: Salesforce Contact, HubSpot contacts, Pipedrive persons.
    "people": {
        "external_id": (*_COMMON_ID, "contactid", "personid"),
        "name": (
            "name",
            "fullname",
            "contactname",
            "personname",
            "nomcomplet",
            "nombrecompleto",
            "vollstandigername",
        ),
        "first_name": _FIRST,
        "last_name": _LAST,
        "email": (*_EMAIL, "personemail", "emailwork"),
        "phone": (*_PHONE, "personphone"),
        "title": (
            "title",
            "jobtitle",
            "position",
            "berufsbezeichnung",
            "poste",
            "fonction",
            "cargo",
            "puesto",
        ),
        "company": (*_COMPANY, "personorganization", "associatedcompany"),
        "company_ref": COMPANY_REF,
        "owner": (*_OWNER, "contactowner", "personowner", "recordowner"),
        "notes": _NOTES,
        "created_at": (*_CREATED, "personcreated", "addtime"),
        "custom": ("custom", "customfields"),
    },
    # `pipeline import owners`: a users file (Salesforce User.csv), or a teams file (Maven's
    # sales_teams.csv: sales_agent, manager, regional_office), which names owners by name.
    "owners": {
        "external_id": (*_COMMON_ID, "userid", "ownerid"),
        "name": ("name", "fullname", "ownername", "salesagent", "salesrep", "salesperson", "agent"),
        "manager": ("manager", "managername", "salesmanager", "vorgesetzter", "responsable"),
        "team": (
            "team",
            "teamname",
            "salesteam",
            "regionaloffice",
            "region",
            "office",
            "territory",
        ),
        "first_name": ("firstname", "givenname", "vorname", "prenom", "nombre"),
        "last_name": ("lastname", "surname", "familyname", "nachname", "nom", "apellido"),
        "email": _EMAIL,
    },
    # `pipeline import history`: dated stage changes per deal (Salesforce OpportunityHistory).
    "history": {
        "deal": ("opportunityid", "dealid", "deal", "dealref", "potentialid"),
        "stage": ("stagename", "stage", "dealstage", "tostage"),
        "changed_at": ("createddate", "changedat", "changeddate", "date", "timestamp", "createdat"),
        "value": ("amount", "value", "dealvalue"),
        "currency": ("currency", "currencyisocode", "currencycode"),
        "close_date": ("closedate", "expectedclosedate"),
        "probability": ("probability",),
        "category": ("forecastcategory", "forecastcategoryname", "category"),
        "status": ("status", "dealstatus", "outcome"),
    },
}
# Prefixes that Pipedrive and others put before their own fields ("Deal - Title").
_OWN_PREFIXES = {
    "leads": ("lead", "contact", "person"),
    "deals": ("deal", "opportunity"),
    "activities": ("activity", "task"),
    "companies": ("company", "organization", "organisation", "account"),
    "people": ("person", "contact"),
    "owners": ("owner",),  # not "user": Salesforce's Username is a login, not a name
    "history": ("opportunityhistory", "dealhistory"),
}
IGNORE = ("-", "ignore")


def norm(header: str) -> str:
    """'Deal - Expected close date' -> 'dealexpectedclosedate'; accents and case folded."""
    return fold(header)


@dataclass
class Mapping:
    """The decision for one file: field -> column index, and what is kept as custom."""

    entity: str
    header: list[str]
    fields: dict[str, int] = field(default_factory=dict)
    custom: list[tuple[int, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.fields

    def column(self, name: str) -> str:
        return self.header[self.fields[name]]

    def describe(self) -> list[tuple[str, str]]:
        """(column, field) pairs in file order, for the summary."""
        by_index = {i: f for f, i in self.fields.items()}
        out = []
        for i, name in enumerate(self.header):
            if i in by_index:
                out.append((name, by_index[i]))
            elif any(i == c for c, _ in self.custom):
                out.append((name, "custom"))
            else:
                out.append((name, "ignored"))
        return out


def _find_column(header: list[str], wanted: str) -> int:
    exact = [i for i, h in enumerate(header) if h.strip() == wanted.strip()]
    if exact:
        return exact[0]
    loose = [i for i, h in enumerate(header) if norm(h) == norm(wanted)]
    if loose:
        return loose[0]
    shown = ", ".join(repr(h) for h in header)
    raise PipelineError(f"--map {wanted!r}: the file has no such column (columns: {shown})")


def parse_overrides(entity: str, header: list[str], pairs: list[str]) -> dict[int, str]:
    """--map 'Source Column=field' options -> column index -> field (or '-' to ignore)."""
    fields = ALIASES[entity]
    out: dict[int, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise PipelineError(f"--map {pair!r}: use 'Column=field'")
        column, _, target = pair.rpartition("=")
        target = target.strip().lower().replace(" ", "_")
        if target not in fields and target not in IGNORE:
            choices = ", ".join([*fields, "-"])
            raise PipelineError(f"--map {pair!r}: unknown field {target!r} (fields: {choices})")
        out[_find_column(header, column)] = "-" if target in IGNORE else target
    return out


def map_header(entity: str, header: list[str], overrides: list[str] | None = None) -> Mapping:
    """Decide which column feeds each field; columns left over become custom fields."""
    if entity not in ALIASES:
        raise PipelineError(f"cannot import {entity!r}: use one of {', '.join(ENTITIES)}")
    m = Mapping(entity, header)
    forced = parse_overrides(entity, header, overrides or [])
    for index, target in forced.items():
        if target == "-":
            m.ignored.append(header[index])
        elif target == "custom":
            m.custom.append((index, header[index].strip()))
        elif target in m.fields:
            raise PipelineError(
                f"--map: columns {header[m.fields[target]]!r} and {header[index]!r} "
                f"both map to {target!r}"
            )
        else:
            m.fields[target] = index
    normed = [norm(h) for h in header]
    prefixes = _OWN_PREFIXES[entity]
    stripped = []
    for n in normed:
        short = next((n[len(p) :] for p in prefixes if n.startswith(p) and len(n) > len(p)), "")
        stripped.append(short)
    for target, aliases in ALIASES[entity].items():
        if target in m.fields:
            continue
        for alias in aliases:
            found = next(
                (
                    i
                    for i in range(len(header))
                    if i not in forced
                    and i not in m.fields.values()
                    and (normed[i] == alias or stripped[i] == alias)
                ),
                None,
            )
            if found is not None:
                m.fields[target] = found
                break
    used = set(m.fields.values()) | set(forced)
    for i, name in enumerate(header):
        if i not in used and name.strip():
            m.custom.append((i, name.strip()))
    for kept in ("product", "company_ref"):  # used, and kept as a custom field too
        if kept in m.fields:
            i = m.fields[kept]
            m.custom.append((i, header[i].strip()))
            m.custom.sort()
    _check_required(m)
    return m


def _check_required(m: Mapping) -> None:
    need = {
        "leads": (("name", "first_name", "last_name", "email"), "a name or an email"),
        "deals": (("title", "company", "product", "external_id"), "a title"),
        "activities": (("subject",), "a subject"),
        "companies": (("name",), "the company's name"),
        "people": (("name", "first_name", "last_name", "email"), "a name or an email"),
        "owners": (("name", "first_name", "last_name"), "a name"),
        "history": (("deal",), "the deal's id"),
    }[m.entity]
    teams = "manager" in m.fields or "team" in m.fields  # a teams file names owners by name
    if m.entity == "owners" and "external_id" not in m.fields and not teams:
        shown = ", ".join(repr(h) for h in m.header)
        raise PipelineError(f"no column for the owner's id in the file (columns: {shown}); "
                            "name one with --map 'Column=external_id'")  # fmt: skip
    if (
        m.entity == "history"
        and not any(f in m.fields for f in ("stage", "status"))
        or (m.entity == "history" and "changed_at" not in m.fields)
    ):
        shown = ", ".join(repr(h) for h in m.header)
        raise PipelineError(f"a history file needs a deal id, a stage and a date column "
                            f"(columns: {shown}); name them with --map")  # fmt: skip
    if not any(f in m.fields for f in need[0]):
        shown = ", ".join(repr(h) for h in m.header)
        raise PipelineError(
            f"no column for {need[1]} in the file (columns: {shown}); "
            f"name one with --map 'Column={need[0][0]}'"
        )
