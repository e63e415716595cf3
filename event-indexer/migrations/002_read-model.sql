-- Up Migration

-- The read model: every entity the chaincode reports in its events, as it stands after the latest change.
-- Each row keeps the whole entity in `data` and derives its queryable columns from it (generated columns,
-- so they can never disagree with `data`), and records the transaction that last wrote it: a change only
-- replaces a row when it comes from a later (block_number, tx_index), so replays change nothing.

-- Generated columns accept only immutable expressions. A text-to-date cast is merely stable because DateStyle
-- decides how ambiguous input reads; the chaincode's ISO 8601 dates and UTC instants are never ambiguous.
CREATE FUNCTION iso_date(value text) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN value::date;

CREATE FUNCTION iso_instant(value text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN value::timestamptz;

CREATE TABLE clubs (
    channel text NOT NULL,
    data jsonb NOT NULL,
    msp_id text GENERATED ALWAYS AS (data ->> 'mspId') STORED NOT NULL,
    name text GENERATED ALWAYS AS (data ->> 'name') STORED,
    city text GENERATED ALWAYS AS (data ->> 'city') STORED,
    country text GENERATED ALWAYS AS (data ->> 'country') STORED,
    status text GENERATED ALWAYS AS (data ->> 'status') STORED,
    member_prefix text GENERATED ALWAYS AS (data ->> 'memberPrefix') STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, msp_id)
);

-- Public member records only: personal data lives in member_personal_data.
CREATE TABLE members (
    channel text NOT NULL,
    data jsonb NOT NULL,
    member_number text GENERATED ALWAYS AS (data ->> 'memberNumber') STORED NOT NULL,
    home_club text GENERATED ALWAYS AS (data ->> 'homeClub') STORED,
    membership_type text GENERATED ALWAYS AS (data ->> 'membershipType') STORED,
    status text GENERATED ALWAYS AS (data ->> 'status') STORED,
    valid_until date GENERATED ALWAYS AS (iso_date(data ->> 'validUntil')) STORED,
    personal_data_hash text GENERATED ALWAYS AS (data ->> 'personalDataHash') STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    -- Member numbers carry the home club's prefix, unique on the channel.
    PRIMARY KEY (channel, member_number)
);
CREATE INDEX members_by_club ON members (channel, home_club, status, membership_type);
CREATE INDEX members_by_type ON members (channel, home_club, membership_type);

-- The personal records of the indexing club's own members, from its implicit private data collection.
-- The writer names its club in the setting rcn.club; a session that has not set it sees no rows.
CREATE TABLE member_personal_data (
    channel text NOT NULL,
    member_number text NOT NULL,
    home_club text NOT NULL,
    data jsonb NOT NULL,
    given_name text GENERATED ALWAYS AS (data ->> 'givenName') STORED,
    family_name text GENERATED ALWAYS AS (data ->> 'familyName') STORED,
    email text GENERATED ALWAYS AS (data ->> 'email') STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, member_number)
);
CREATE INDEX member_personal_data_by_name ON member_personal_data (channel, family_name, given_name);
CREATE INDEX member_personal_data_by_email ON member_personal_data (channel, email);
ALTER TABLE member_personal_data ENABLE ROW LEVEL SECURITY;
ALTER TABLE member_personal_data FORCE ROW LEVEL SECURITY;
CREATE POLICY own_club_only ON member_personal_data
    USING (home_club = current_setting('rcn.club', true))
    WITH CHECK (home_club = current_setting('rcn.club', true));

-- Where a personal record was erased (purged): a replayed older write must not bring it back.
-- Holds no personal data, only the public member number and the erasing transaction.
CREATE TABLE member_personal_data_erasures (
    channel text NOT NULL,
    member_number text NOT NULL,
    home_club text NOT NULL,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, member_number)
);

CREATE TABLE agreements (
    channel text NOT NULL,
    data jsonb NOT NULL,
    agreement_id text GENERATED ALWAYS AS (data ->> 'agreementId') STORED NOT NULL,
    proposer text GENERATED ALWAYS AS (data ->> 'proposer') STORED,
    counterparty text GENERATED ALWAYS AS (data ->> 'counterparty') STORED,
    status text GENERATED ALWAYS AS (data ->> 'status') STORED,
    version integer GENERATED ALWAYS AS ((data ->> 'version')::integer) STORED,
    terms jsonb GENERATED ALWAYS AS (data -> 'terms') STORED,
    valid_from date GENERATED ALWAYS AS (iso_date(data #>> '{terms,validFrom}')) STORED,
    valid_until date GENERATED ALWAYS AS (iso_date(data #>> '{terms,validUntil}')) STORED,
    visits_per_member_per_month integer GENERATED ALWAYS AS ((data #>> '{terms,visitsPerMemberPerMonth}')::integer) STORED,
    visits_per_member_per_year integer GENERATED ALWAYS AS ((data #>> '{terms,visitsPerMemberPerYear}')::integer) STORED,
    letter_of_introduction_required boolean
        GENERATED ALWAYS AS ((data #>> '{terms,letterOfIntroductionRequired}')::boolean) STORED,
    fee_amount_minor bigint GENERATED ALWAYS AS ((data #>> '{terms,feePerVisit,amountMinor}')::bigint) STORED,
    fee_currency text GENERATED ALWAYS AS (data #>> '{terms,feePerVisit,currency}') STORED,
    amendment_pending boolean GENERATED ALWAYS AS (data ? 'pendingAmendment') STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, agreement_id)
);
-- A club is either party: one index for each side.
CREATE INDEX agreements_by_proposer ON agreements (channel, proposer, status);
CREATE INDEX agreements_by_counterparty ON agreements (channel, counterparty, status);

CREATE TABLE bars (
    channel text NOT NULL,
    data jsonb NOT NULL,
    host_club text GENERATED ALWAYS AS (data ->> 'hostClub') STORED NOT NULL,
    member_number text GENERATED ALWAYS AS (data ->> 'memberNumber') STORED NOT NULL,
    home_club text GENERATED ALWAYS AS (data ->> 'homeClub') STORED,
    lifted boolean GENERATED ALWAYS AS ((data ->> 'lifted')::boolean) STORED,
    barred_from date GENERATED ALWAYS AS (iso_date(data #>> '{window,from}')) STORED,
    barred_until date GENERATED ALWAYS AS (iso_date(data #>> '{window,until}')) STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, host_club, member_number)
);
CREATE INDEX bars_by_home ON bars (channel, home_club);

CREATE TABLE introductions (
    channel text NOT NULL,
    data jsonb NOT NULL,
    introduction_id text GENERATED ALWAYS AS (data ->> 'introductionId') STORED NOT NULL,
    member_number text GENERATED ALWAYS AS (data ->> 'memberNumber') STORED,
    home_club text GENERATED ALWAYS AS (data ->> 'homeClub') STORED,
    host_club text GENERATED ALWAYS AS (data ->> 'hostClub') STORED,
    stay_from date GENERATED ALWAYS AS (iso_date(data #>> '{stay,from}')) STORED,
    stay_until date GENERATED ALWAYS AS (iso_date(data #>> '{stay,until}')) STORED,
    status text GENERATED ALWAYS AS (data ->> 'status') STORED,
    visit_id text GENERATED ALWAYS AS (data ->> 'visitId') STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, introduction_id)
);
-- Expected arrivals: stays at a host that have not ended by a date and began by it.
CREATE INDEX introductions_expected ON introductions (channel, host_club, stay_until, stay_from)
    WHERE status IN ('REQUESTED', 'ISSUED');
CREATE INDEX introductions_by_member ON introductions (channel, member_number);
CREATE INDEX introductions_by_home ON introductions (channel, home_club, stay_from);

CREATE TABLE visits (
    channel text NOT NULL,
    data jsonb NOT NULL,
    visit_id text GENERATED ALWAYS AS (data ->> 'visitId') STORED NOT NULL,
    member_number text GENERATED ALWAYS AS (data ->> 'memberNumber') STORED,
    home_club text GENERATED ALWAYS AS (data ->> 'homeClub') STORED,
    host_club text GENERATED ALWAYS AS (data ->> 'hostClub') STORED,
    agreement_id text GENERATED ALWAYS AS (data ->> 'agreementId') STORED,
    agreement_version integer GENERATED ALWAYS AS ((data ->> 'agreementVersion')::integer) STORED,
    visit_date date GENERATED ALWAYS AS (iso_date(data ->> 'visitDate')) STORED,
    facility text GENERATED ALWAYS AS (data ->> 'facility') STORED,
    guests integer GENERATED ALWAYS AS ((data ->> 'guests')::integer) STORED,
    nights integer GENERATED ALWAYS AS ((data ->> 'nights')::integer) STORED,
    introduction_id text GENERATED ALWAYS AS (data ->> 'introductionId') STORED,
    amount_minor bigint GENERATED ALWAYS AS ((data #>> '{fee,amountMinor}')::bigint) STORED,
    currency text GENERATED ALWAYS AS (data #>> '{fee,currency}') STORED,
    status text GENERATED ALWAYS AS (data ->> 'status') STORED,
    closure text GENERATED ALWAYS AS (data ->> 'closure') STORED,
    checked_in_at timestamptz GENERATED ALWAYS AS (iso_instant(data #>> '{checkedIn,at}')) STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, visit_id)
);
CREATE INDEX visits_by_member ON visits (channel, member_number, visit_date);
CREATE INDEX visits_by_host ON visits (channel, host_club, visit_date);
CREATE INDEX visits_by_home ON visits (channel, home_club, visit_date);
CREATE INDEX visits_by_date ON visits (channel, visit_date);
CREATE INDEX visits_by_agreement ON visits (channel, agreement_id, visit_date);
-- Members in the house now: few rows among many closed visits.
CREATE INDEX visits_checked_in ON visits (channel, host_club) WHERE status = 'CHECKED_IN';

-- The chaincode's per (agreement, member, period) counters; period is 'YYYY-MM' or 'YYYY'.
CREATE TABLE visit_usage (
    channel text NOT NULL,
    data jsonb NOT NULL,
    agreement_id text GENERATED ALWAYS AS (data ->> 'agreementId') STORED NOT NULL,
    member_number text GENERATED ALWAYS AS (data ->> 'memberNumber') STORED NOT NULL,
    period text GENERATED ALWAYS AS (data ->> 'period') STORED NOT NULL,
    visits integer GENERATED ALWAYS AS ((data ->> 'visits')::integer) STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, agreement_id, member_number, period)
);
CREATE INDEX visit_usage_by_member ON visit_usage (channel, member_number, period);

CREATE TABLE proposals (
    channel text NOT NULL,
    data jsonb NOT NULL,
    proposal_id text GENERATED ALWAYS AS (data ->> 'proposalId') STORED NOT NULL,
    type text GENERATED ALWAYS AS (data ->> 'type') STORED,
    title text GENERATED ALWAYS AS (data ->> 'title') STORED,
    proposer text GENERATED ALWAYS AS (data ->> 'proposer') STORED,
    target_club text GENERATED ALWAYS AS (data ->> 'targetClub') STORED,
    status text GENERATED ALWAYS AS (data ->> 'status') STORED,
    pass_rule text GENERATED ALWAYS AS (data ->> 'passRule') STORED,
    voting_deadline timestamptz GENERATED ALWAYS AS (iso_instant(data ->> 'votingDeadline')) STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, proposal_id)
);
CREATE INDEX proposals_open ON proposals (channel, voting_deadline) WHERE status = 'OPEN';

CREATE TABLE votes (
    channel text NOT NULL,
    data jsonb NOT NULL,
    proposal_id text GENERATED ALWAYS AS (data ->> 'proposalId') STORED NOT NULL,
    club text GENERATED ALWAYS AS (data ->> 'club') STORED NOT NULL,
    choice text GENERATED ALWAYS AS (data ->> 'choice') STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    PRIMARY KEY (channel, proposal_id, club)
);

-- One set of rules per channel.
CREATE TABLE consortium_rules (
    channel text NOT NULL PRIMARY KEY,
    data jsonb NOT NULL,
    quorum_percent integer GENERATED ALWAYS AS ((data ->> 'quorumPercent')::integer) STORED,
    admission_required boolean GENERATED ALWAYS AS ((data ->> 'admissionRequired')::boolean) STORED,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL
);

-- Fees owed by each home club to each host club, per calendar month of the visit and currency.
-- A cancelled visit owes nothing and does not count.
CREATE VIEW settlement AS
SELECT channel,
       home_club,
       host_club,
       date_trunc('month', visit_date)::date AS month,
       currency,
       count(*) AS visits,
       sum(amount_minor)::bigint AS amount_minor
FROM visits
WHERE status <> 'CANCELLED'
GROUP BY channel, home_club, host_club, date_trunc('month', visit_date), currency;

-- Each club's visits per month, from both sides: received as host, made by its members as home club.
CREATE VIEW visits_by_club_month AS
SELECT channel,
       club,
       side,
       date_trunc('month', visit_date)::date AS month,
       count(*) FILTER (WHERE status <> 'CANCELLED') AS visits,
       count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled_visits,
       count(DISTINCT member_number) FILTER (WHERE status <> 'CANCELLED') AS visiting_members,
       coalesce(sum(guests) FILTER (WHERE status <> 'CANCELLED'), 0)::bigint AS guests
FROM (SELECT channel, host_club AS club, 'HOST' AS side, visit_date, status, member_number, guests FROM visits
      UNION ALL
      SELECT channel, home_club AS club, 'HOME' AS side, visit_date, status, member_number, guests FROM visits) AS sides
GROUP BY channel, club, side, date_trunc('month', visit_date);

-- Each member's visits in a month under an agreement, from the chaincode's own counters (what check-in
-- enforces), against the agreement's current monthly and yearly limits.
CREATE VIEW member_usage AS
SELECT month.channel,
       month.agreement_id,
       month.member_number,
       member.home_club,
       CASE WHEN agreement.proposer = member.home_club THEN agreement.counterparty ELSE agreement.proposer END AS host_club,
       iso_date(month.period || '-01') AS month,
       month.visits,
       agreement.visits_per_member_per_month AS monthly_limit,
       greatest(agreement.visits_per_member_per_month - month.visits, 0) AS remaining_this_month,
       coalesce(year.visits, 0) AS visits_this_year,
       agreement.visits_per_member_per_year AS yearly_limit
FROM visit_usage AS month
JOIN agreements AS agreement ON agreement.channel = month.channel AND agreement.agreement_id = month.agreement_id
JOIN members AS member ON member.channel = month.channel AND member.member_number = month.member_number
LEFT JOIN visit_usage AS year
       ON year.channel = month.channel
      AND year.agreement_id = month.agreement_id
      AND year.member_number = month.member_number
      AND year.period = left(month.period, 4)
WHERE length(month.period) = 7;

-- Per agreement, direction (home club to host club) and month: how much of the agreement the partners use.
CREATE VIEW partner_usage AS
SELECT channel,
       agreement_id,
       home_club,
       host_club,
       month,
       sum(visits)::bigint AS visits,
       count(*) FILTER (WHERE visits > 0) AS visiting_members,
       count(*) FILTER (WHERE visits >= monthly_limit) AS members_at_limit,
       monthly_limit
FROM member_usage
GROUP BY channel, agreement_id, home_club, host_club, month, monthly_limit;

-- Down Migration
DROP VIEW partner_usage;
DROP VIEW member_usage;
DROP VIEW visits_by_club_month;
DROP VIEW settlement;
DROP TABLE consortium_rules;
DROP TABLE votes;
DROP TABLE proposals;
DROP TABLE visit_usage;
DROP TABLE visits;
DROP TABLE introductions;
DROP TABLE bars;
DROP TABLE agreements;
DROP TABLE member_personal_data_erasures;
DROP TABLE member_personal_data;
DROP TABLE members;
DROP TABLE clubs;
DROP FUNCTION iso_instant(text);
DROP FUNCTION iso_date(text);