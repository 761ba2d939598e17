"""The header spellings each field is known by, in the exports of the CRMs we read."""

# Known headers: HubSpot, Pipedrive, Salesforce and Zoho exports, and plain spreadsheet
# headers in English, German, French and Spanish. columns.py matches a file's header to them.

from __future__ import annotations

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
        # What `export activities` writes for a cancelled plan (store/sqlite/exports.py).
        "cancelled_at": ("cancelledat", "canceledat", "cancelledon", "canceledon"),
        "cancel_reason": ("cancelreason", "cancellationreason", "cancelledreason"),
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
OWN_PREFIXES = {
    "leads": ("lead", "contact", "person"),
    "deals": ("deal", "opportunity"),
    "activities": ("activity", "task"),
    "companies": ("company", "organization", "organisation", "account"),
    "people": ("person", "contact"),
    "owners": ("owner",),  # not "user": Salesforce's Username is a login, not a name
    "history": ("opportunityhistory", "dealhistory"),
}
