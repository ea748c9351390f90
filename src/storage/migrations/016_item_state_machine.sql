-- One state machine for an item (domain/takedown-lifecycle.ts): notice_items.state is its
-- projection, and its state is stored in item_lifecycles unless the item row says all there is
-- (received, invalid, not_on_network, forwarded: services/item-steps.ts, IMPLIED_BY_ROW).
-- Before, only hosted items that entered the takedown lifecycle had a stored state; this stores
-- the state of the others, as the coarse state and the notice tell it.
CREATE FUNCTION pg_temp.iso(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

INSERT INTO item_lifecycles (item_id, notice_id, account_id, kind, state, strike_status, strike_at, next_wake_at)
SELECT i.id, i.notice_id, i.account_id, s.state->>'kind', s.state,
       CASE WHEN i.state = 'content_disabled' THEN 'active' END,
       CASE WHEN i.state = 'content_disabled' THEN i.updated_at END,
       NULL
FROM notice_items i
JOIN notices n ON n.id = i.notice_id
CROSS JOIN LATERAL (SELECT CASE i.state
  WHEN 'pending_review' THEN jsonb_build_object('kind', 'reported', 'reportedAt', pg_temp.iso(n.created_at), 'reason', i.reason)
  -- As the lifecycle took such items when first acted on: disabled by staff and the customer told.
  WHEN 'content_disabled' THEN jsonb_build_object('kind', 'customer_notified',
    'takedown', jsonb_build_object('reportedAt', pg_temp.iso(n.created_at), 'disabledAt', pg_temp.iso(i.updated_at), 'disabledBy', 'staff'),
    'customerNotifiedAt', pg_temp.iso(i.updated_at))
  WHEN 'rejected' THEN jsonb_build_object('kind', 'rejected', 'reportedAt', pg_temp.iso(n.created_at), 'rejectedAt', pg_temp.iso(i.updated_at),
    'reason', coalesce(nullif(i.reason, ''), 'rejected by staff'))
  -- Retracted without a stored state: a forwarded notice's retraction.
  WHEN 'retracted' THEN jsonb_build_object('kind', 'retracted', 'retractedAt', pg_temp.iso(i.updated_at),
    'before', jsonb_build_object('kind', 'forwarded', 'reportedAt', pg_temp.iso(n.created_at), 'resolvedAt', pg_temp.iso(coalesce(n.processed_at, n.created_at))))
  END AS state) s
WHERE i.state NOT IN ('received', 'invalid', 'not_on_network', 'forwarded')
  AND s.state IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM item_lifecycles l WHERE l.item_id = i.id);
