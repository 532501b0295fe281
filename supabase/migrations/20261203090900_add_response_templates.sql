-- Default answers for the auto-resolvable sub-categories. Admins edit them in Studio.

insert into public.response_templates (sub_category, subject, body) values
('password_reset', 'Resetting your password [#{{ticket_number}}]',
$t$Hi {{first_name}},

Thanks for reaching out, and sorry for the trouble signing in.

You can reset your password yourself in under a minute:
1. Open the sign-in page and choose "Forgot password?".
2. Enter the email address of your account.
3. Follow the link in the email we send you (it is valid for 60 minutes) and choose a new password.

If the email does not arrive within a few minutes, please check your spam folder. If the link has expired, simply request a new one.

If this does not solve it, just reply to this message and a teammate will take over.

Best regards,
The {{organisation_name}} team$t$),
('invoice_request', 'Your invoices [#{{ticket_number}}]',
$t$Hi {{first_name}},

Thanks for getting in touch about your invoice.

All invoices are available in your account at any time:
1. Sign in and open Settings > Billing.
2. Under "Invoice history", choose the invoice you need.
3. Download it as a PDF, or use "Send by email" to forward it to your finance team.

Invoices include your company name, address and VAT number as set in your billing details; update them there before downloading if anything needs to change.

If you cannot find a specific invoice, reply to this message and a teammate will send it to you.

Best regards,
The {{organisation_name}} team$t$),
('documentation', 'Where to find our documentation [#{{ticket_number}}]',
$t$Hi {{first_name}},

Thanks for your question.

Our documentation covers setup, features, integrations and the API:
1. Open the Help Center from the "?" menu in the app.
2. Search for the topic, or browse the guides by area.
3. Developers will find the API reference and examples in the Developers section.

If the guide you need is missing or unclear, reply to this message and a teammate will point you to the right place.

Best regards,
The {{organisation_name}} team$t$)
on conflict (sub_category) do nothing;
