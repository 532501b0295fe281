/**
 * Hand-written tickets on the edges of the self-service sub-categories (password_reset,
 * invoice_request, documentation), which auto-resolution answers with a template: a disputed
 * invoice amount is a billing problem, not a request for the invoice; a reset e-mail that never
 * arrives is a sign-in problem, not a request for the reset link; changing the billing contact
 * is an account change. Written for this project; not derived from any public dataset.
 */
import type { SubCategory } from "../types.ts";

export const BOUNDARY_TICKETS: Partial<Record<SubCategory, string[]>> = {
  refund_request: [
    "Our November invoice charges us for 30 licences but we only have 12 users. Please correct the amount and credit the difference.",
    "The invoice total is wrong: we were billed for the annual plan although we switched to monthly in June. Please fix it.",
    "This month's invoice shows two charges for the same add-on. We only ordered it once, so one of them should be removed.",
    "We were invoiced at the old price even though the discount was confirmed by your sales team. Can you issue a corrected invoice and refund the overpayment?",
    "The amount on invoice 4471 does not match our contract, it is about 200 euros too high.",
    "I think the last invoice is incorrect, you charged VAT twice. Please correct it.",
  ],
  login_problem: [
    "I asked for a password reset three times but the reset e-mail never arrives, not even in spam.",
    "The password reset link says it has expired as soon as I click it, so I still cannot get in.",
    "After resetting my password the app still says the password is wrong.",
    "The reset link leads to an error page. I can't sign in at all.",
    "I never receive the reset code by text message, so the password reset doesn't work for me.",
  ],
  account_update: [
    "Please change the billing contact e-mail of our account to accounts@example.com.",
    "We need the invoices to go to a different e-mail address from now on; can you update the billing e-mail on the account?",
    "Our company moved. Please update the billing address and the contact person on the account.",
    "Could you replace me as the account owner with my colleague? I am leaving the company.",
    "Please add our finance team's address as a second billing contact.",
  ],
};
