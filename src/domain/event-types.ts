// The event log's vocabulary: every type of event anything appends (src/storage/events.ts accepts
// no other). Grouped by what the event is about; a new kind of change adds its type here first.

/** What an event is about; with subjectId it names the thing that changed. */
export type SubjectType =
  | 'notice'
  | 'item'
  | 'zone'
  | 'account'
  | 'message'
  | 'principal'
  | 'import'
  | 'inbound_message'
  | 'legal_request'
  | 'court_order_rule'
  | 'trusted_reporter'
  | 'trusted_flagger'
  | 'webhook'
  | 'disclosure'
  | 'netblock'
  | 'network_report'
  | 'statement'
  /** One call to the DSA Transparency Database, by its batch id. */
  | 'statement_submission'
  | 'complaint'
  | 'publication';

/** The notice-level event of a takedown lifecycle step (`notice.<step>`), one per step run. */
export type LifecycleStepType =
  | 'reviewed'
  | 'takedown_started'
  | 'counter_notice_received'
  | 'court_action_filed'
  | 'retracted'
  | 'lifecycle_command'
  | 'content_restored'
  | 'complaint_decided';

export type EventType =
  // Notices and their items
  | 'notice.received'
  | 'notice.status_changed'
  | 'notice.host_contact_unknown'
  /** A child-safety report's hotline report was prepared for staff to send (domain/hotline-report.ts). */
  | 'notice.hotline_report_prepared'
  | 'notice.reviewed'
  | 'notice.info_requested'
  | 'notice.reply_received'
  | 'notice.counter_notice_by_mail'
  | 'notice.retraction_by_mail'
  | `notice.${LifecycleStepType}`
  | 'item.resolved'
  | 'item.reviewed'
  | 'item.lifecycle'
  | 'item.retracted'
  // Internal complaints against decisions (DSA Art. 20)
  | 'complaint.filed'
  | 'complaint.decided'
  // Mail in and out
  | 'mail.received'
  | 'mail.read'
  | 'mail.reprocess_requested'
  | 'message.queued'
  | 'message.sent'
  | 'message.send_failed'
  | 'message.failed'
  // The provider's world: zones, accounts, networks
  | 'zones.imported'
  | 'zone.updated'
  | 'zone.origin_changed'
  | 'zone.terminated'
  | 'zone.reinstated'
  | 'zone.court_order_matched'
  | 'zone.court_order_returned'
  | 'zone.court_order_return_acknowledged'
  | 'account.terminated'
  | 'account.reinstated'
  | 'account.signup_blocked'
  // Measures against misuse (DSA Art. 23): customers and notifiers warned, suspended, reinstated
  | 'account.warned'
  | 'account.suspended'
  | 'account.suspension_lifted'
  | 'zone.suspended'
  | 'zone.suspension_lifted'
  | 'notifier.warned'
  | 'notifier.suspended'
  | 'notifier.reinstated'
  | 'notifier.notice_refused'
  | 'account.network_report_received'
  | 'networks.imported'
  | 'netblocks.imported'
  | 'netblock.assigned'
  | 'netblock.changed'
  | 'network_report.routed'
  | 'network_report.rerouted'
  // Principals, tokens, sessions
  | 'principal.created'
  | 'token.created'
  | 'token.revoked'
  | 'login_link.created'
  | 'session.started'
  | 'session.ended'
  // Trusted reporters, origin disclosure, webhooks
  | 'trusted_reporter.applied'
  | 'trusted_reporter.terms_accepted'
  | 'trusted_reporter.approved'
  | 'trusted_reporter.rejected'
  | 'trusted_reporter.suspended'
  | 'trusted_reporter.revoked'
  // Trusted flaggers (DSA Art. 22)
  | 'trusted_flagger.granted'
  | 'trusted_flagger.revoked'
  | 'origin.disclosed'
  | 'origin.disclosure_refused'
  | 'origin.changed'
  | 'disclosure.customer_notified'
  | 'webhook.created'
  | 'webhook.deleted'
  | 'webhook.delivery_queued'
  | 'webhook.delivered'
  | 'webhook.attempt_failed'
  | 'webhook.delivery_failed'
  | 'webhook.delivery_cancelled'
  | 'webhook.redelivery_requested'
  // DSA: statements of reasons (Art. 17)
  | 'statement.issued'
  // … and their submission to the Transparency Database (Art. 24(5)): stored, refused as invalid, or put off
  | 'statement.submitted'
  | 'statement.submission_rejected'
  | 'statement.submission_deferred'
  // Publication of redacted notices (src/publication): queued for review, published, withheld
  | 'publication.queued'
  | 'publication.published'
  | 'publication.withheld'
  // Legal process
  | 'legal_request.recorded'
  | 'legal_request.customer_notified'
  | 'legal_request.customer_notice_withheld'
  | 'legal_request.produced'
  | 'legal_request.state_changed'
  | 'court_order.rule_added'
  | 'court_order.rule_lifted';
