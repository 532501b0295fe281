/**
 * Generated training messages for the spam model: templates of the common genres of bulk SMS and
 * e-mail, and of genuine SMS and mail, filled from slot lists by a seeded generator, so the model
 * sees the same genre in many wordings, lengths and styles (capitals, text-speak, subject lines,
 * removal footers). Written for this project from general knowledge of the genres; not derived
 * from any public dataset. All names, numbers and addresses are made up (example.* domains).
 */
import { rng } from "./classifier.ts";

type Slots = Record<string, string[]>;

const SLOTS: Slots = {
  amount: ["£250", "£500", "£1000", "£2,000", "$750", "$1,500", "$5000", "€800", "£100", "£350"],
  prize: [
    "a 7-night holiday for two",
    "the latest smartphone",
    "a £500 shopping voucher",
    "a widescreen TV",
    "£1000 cash",
    "a weekend city break",
    "a games console",
    "VIP concert tickets",
    "a brand new tablet",
    "a year of free cinema tickets",
  ],
  code: ["85233", "61779", "88066", "63021", "69812", "80154", "87575", "62468", "83338"],
  keyword: ["WIN", "CLAIM", "GO", "PLAY", "YES", "PRIZE", "TONE", "CHAT", "DATE", "VIP", "JOIN"],
  premium: [
    "09061 770 442",
    "09050 002 318",
    "0906 617 4433",
    "09094 551 227",
    "0871 872 6611",
    "0870 241 5580",
    "09012 331 908",
  ],
  rate: [
    "150p/min",
    "£1.50 per min",
    "25p per msg",
    "£3/wk",
    "50p per txt",
    "£4.50 per week",
    "1.50/msg",
    "10p/min from a BT landline",
    "60p/min, mobiles may vary",
  ],
  age: ["18+", "16+", "over 18s only", "18 or over"],
  pobox: ["PO Box 4417 W1 8XZ", "PO Box 882, LS6 3QT", "Box 57, M14 4PP", "PO Box 10-203"],
  ref: ["ref X33", "code K921", "ref 2217", "claim code P47", "ID 88-AB", "pin 3309"],
  url: [
    "http://bit.ly/3xWinNow",
    "http://prize-centre.example.biz/claim",
    "www.mega-deals.example.info",
    "http://tinyurl.com/y7vq2k",
    "http://192.0.2.45/secure/login",
    "http://account-verify.example.top/id",
    "www.hot-offers.example.cc",
    "http://cutt.ly/fastcash",
    "http://rewards-now.example.xyz/?id=77812",
    "http://www.best-price-rx.example.ru",
  ],
  brand: [
    "your bank",
    "the Post Office",
    "HMRC",
    "Amazon",
    "PayPal",
    "Royal Mail",
    "DHL",
    "Netflix",
  ],
  parcel: ["Royal Mail", "DHL", "EVRi", "the courier", "UPS", "FedEx", "Parcelforce"],
  fee: ["£1.45", "£2.99", "$1.99", "£0.99", "€1.75", "$3.00"],
  drug: [
    "Viagra",
    "Cialis",
    "Levitra",
    "Xanax",
    "Valium",
    "Phentermine",
    "Soma",
    "Tramadol",
    "Propecia",
  ],
  product: [
    "Rolex watches",
    "designer handbags",
    "printer ink",
    "Microsoft Office",
    "Adobe Photoshop",
    "Windows XP Pro",
    "Louis Vuitton bags",
    "Oakley sunglasses",
    "cigarettes",
    "DVD movies",
  ],
  stock: ["QMTX", "BRLG", "ZNTH", "PWRX", "CGLD", "VTAL", "HXON", "MRGN"],
  industry: [
    "oil and gas",
    "homeland security",
    "biotech",
    "wireless technology",
    "gold mining",
    "nanotech",
  ],
  country: ["Nigeria", "Sierra Leone", "Ghana", "Ivory Coast", "Benin", "Togo", "Burkina Faso"],
  sum: ["US$15.5M", "$24,600,000", "USD 10,500,000", "$8.3 million", "£12 million", "EUR 9.2M"],
  title: ["Barrister", "Dr.", "Prince", "Mrs.", "Engr.", "Chief", "Hon."],
  surname: ["Adeyemi", "Kabore", "Mensah", "Diallo", "Okafor", "Traore", "Bello", "Koroma"],
  first: ["Sam", "Jo", "Priya", "Tom", "Aisha", "Ben", "Mei", "Raj", "Lucy", "Dan", "Kemi", "Nick"],
  place: [
    "the pub",
    "the station",
    "the cafe",
    "uni",
    "the gym",
    "mum's",
    "the library",
    "work",
    "the market",
    "the car park",
  ],
  time: ["6", "7:30", "half 8", "noon", "10ish", "after lunch", "tonight", "2moro morning", "5pm"],
  food: ["pizza", "curry", "noodles", "sushi", "chips", "a kebab", "dinner", "breakfast"],
  thing: ["charger", "keys", "umbrella", "jacket", "wallet", "book", "laptop", "headphones"],
  project: ["libfoo", "mailtool", "the kernel", "spamfilter", "gnome-panel", "rpmbuild", "razor"],
  version: ["2.4.1", "0.9.3", "3.1", "1.0-rc2", "5.6.2", "2.0.18", "4.2"],
  company: ["Northwind", "Bluepeak", "Contoso", "Fabrikam", "Tailspin", "Lakeshore", "Acme"],
};

/** Fills {slot} placeholders; {a|b|c} picks one alternative. */
function fill(tpl: string, pick: <T>(xs: T[]) => T): string {
  return tpl
    .replace(/\{([a-z]+)\}/g, (m, k: string) => (SLOTS[k] ? pick(SLOTS[k]) : m))
    .replace(/\{([^{}]*\|[^{}]*)\}/g, (_, alts: string) => pick(alts.split("|")));
}

const TEXTSPEAK: Array<[RegExp, string]> = [
  [/\byou\b/gi, "u"],
  [/\byour\b/gi, "ur"],
  [/\bto\b/gi, "2"],
  [/\bfor\b/gi, "4"],
  [/\bare\b/gi, "r"],
  [/\btext\b/gi, "txt"],
  [/\bplease\b/gi, "pls"],
  [/\btonight\b/gi, "2nite"],
  [/\btomorrow\b/gi, "2moro"],
  [/\bmessage\b/gi, "msg"],
  [/\bgreat\b/gi, "gr8"],
  [/\bbefore\b/gi, "b4"],
];

function textSpeak(s: string): string {
  let out = s;
  for (const [re, to] of TEXTSPEAK) out = out.replace(re, to);
  return out;
}

/** Bulk SMS genres (premium-rate, prizes, tones, chat, phishing, loans, jobs, crypto). */
const SPAM_SMS = [
  "{Congratulations|CONGRATS|Urgent}! {You have|You've|Your mobile number has} won {prize}. {Call|Ring} {premium} {now|today} {quoting|with} {ref}. {rate}. {age}",
  "{FREE|Free} entry into our weekly {draw|competition} to win {prize}! {Text|Send} {keyword} to {code} to enter. {rate}, {age}. {pobox}",
  "You are {guaranteed|awarded|due} a {amount} {bonus|cash award|reward} or {prize}. To claim call {premium} before {midnight|Friday|the deadline}. {rate}",
  "Your {number|mobile|line} has been {selected|picked|chosen} in our {monthly|annual|network} {prize draw|lucky draw|loyalty draw}. Reply {keyword} to {code} to find out what you've won. {rate}",
  "{Fancy|Want} a {flirt|chat|date} {tonight|this weekend}? {Local|Real} {singles|girls|guys} are waiting to {meet|talk to} you. Text {keyword} to {code}. {rate} {age}",
  "Someone {fancies|has a crush on|is thinking about} you! To find out who, {text|reply} {keyword} to {code} or call {premium}. {rate}",
  "{Get|Grab} the {hottest|latest|top 10} {ringtones|polyphonic tones|wallpapers|games} for your {phone|mobile} every week! Text {keyword} to {code}. Subscription {rate} until you send STOP.",
  "Thanks for {joining|subscribing to} our {tones|games|video} club! Your {mobile|phone} will be charged {rate}. To {cancel|unsubscribe} send STOP to {code}. {Help|Helpline} {premium}",
  "Your {content|download|tone} is {ready|waiting}. {Go to|Visit} {url} to {get|download} it. You have been charged {fee}. {Send|Text} STOP to {code} to end.",
  "{Free|FREE} {camera phone|colour phone|flip phone|handset} with {line rental|a new contract} from {fee}/month plus {500|750|1000} free {minutes|texts}! Call {premium} or reply {keyword}. {Delivered free|Free delivery} {tomorrow|this week}.",
  "{Your|Ur} {mobile|contract} is due for an upgrade. {Claim|Get} {the latest|a new} {smartphone|camera phone} {free|for nothing} + {double minutes|unlimited texts}. Call {premium} {now|free}.",
  "{Urgent|IMPORTANT}: we tried to {contact|reach} you {re|about} your {reward|prize|award}. This is our {2nd|final|last} attempt. Call {premium} {ref}. {rate}",
  "{URGENT|Alert}: your {bank|card|account} has been {locked|suspended|put on hold} due to {suspicious|unusual} activity. {Verify|Confirm} your details at {url} to {restore access|avoid closure}.",
  "{parcel}: your {parcel|package|delivery} could not be delivered {due to|because of} an unpaid {fee|shipping fee|customs charge} of {fee}. {Pay|Reschedule} {here|now}: {url}",
  "{brand}: you are {eligible|due} for a {tax refund|rebate|refund} of {amount}. {Claim|Complete the form} {here|now} {url} within {24|48} hours.",
  "{Need|Short of} cash? {Borrow|Get} up to {amount} {today|in minutes}, no credit checks, {bad credit OK|all credit considered}. Reply {keyword} to {code} {or visit|or go to} {url}",
  "{Earn|Make} {£300|$500|£150} a day {working from home|from your phone|in your spare time}! No experience needed. {Text|WhatsApp} {keyword} to {code} to {start|apply} {today|now}.",
  "{Hi|Hello}, {we|our recruitment team} {saw|found} your {CV|profile} online. {Part-time|Remote} job, {£200|$300|€250}-{£800|$900|€600} per day, {flexible hours|just 1 hour a day}. {Contact|Message} us on WhatsApp {url}",
  "{Invest|Put} {$250|£200|€100} in {bitcoin|crypto|our trading bot} and {earn|make} {$3,000|£2,500|5x} in {a week|7 days|days}! {Guaranteed|100%} {profit|returns}. {Join|Sign up}: {url}",
  "{You have|You've got} {1|2|3} new {voicemail|picture message|video message}{s|} {waiting|from a friend}. To {listen|view} {call|dial} {premium}. {rate}",
  "{Quiz|Trivia} time! {Answer|Reply with the answer} {correctly|right} and {win|collect} {amount}. Q1: what is the capital of {France|Italy|Spain}? Text {keyword} {A|B} to {code}. {rate}",
  "{Bid|Auction} update: the {top|leading} bid for {prize} is {£45|£120|£72}. To {raise|place} your bid text {keyword} to {code}. {rate} {age}",
  "{Dear|Valued} customer, your {account|SIM} has {420|800|1200} {unused|unclaimed} bonus points worth {amount}. Call {premium} {now|before they expire}. {ref}",
  "{Last chance|Hurry}! {2-4-1|2 for 1|Half price} {tickets|deals|meals} {this weekend|tonight only}. {Text|Reply} {keyword} to {code} to {book|get your code}. {rate}",
  "{Hey|Hi} {sexy|babe|gorgeous}, {I'm|im} {lonely|bored|home alone} {tonight|rite now}. {Text|Call} me {on|at} {premium} {for|4} a {naughty|dirty|hot} chat. {rate} {age}",
  "{Cheap|Discount} {international|overseas} calls {from|at} {1p|2p|3p} a minute! {Dial|Call} {premium} {before|then} your number. No {contract|sign up} needed.",
  "{You|U} {have been|hav bin} {chosen|selected} to receive a {free|FREE} {holiday|cruise|shopping spree}! {Call|Ring} {premium} {to claim|now}. {pobox} {rate}",
];

/** Bulk e-mail genres: subject line, then body built from sentence pools. */
const SPAM_MAIL: Array<{ subject: string[]; body: string[] }> = [
  {
    subject: [
      "{Lowest|Best|Record low} mortgage rates {in years|ever|this month}",
      "Refinance {now|today} and save {$400|$650|$1,200} a month",
      "{Adv|ADV}: {Home|Mortgage} loan quotes {fast|in minutes}, no cost",
      "{You're|You are} pre-approved",
    ],
    body: [
      "{Dear homeowner|Attention homeowners|Hello}, {interest rates|rates} are at {their lowest|an all-time low} {point|level}.",
      "{Lenders|Our lenders|Hundreds of banks} {compete|are competing} for your {loan|business}, {even with|regardless of} {bad|poor|less than perfect} credit.",
      "{Refinance|Consolidate your debt|Get cash out} and {lower your monthly payments|save thousands|cut your payments in half}.",
      "{Fill out|Complete} our {short|1-minute|free} {form|application} {and get|for} {a free quote|multiple offers} {with no obligation|in 24 hours}: {url}",
      "{Rates from|As low as} {3.25%|2.9%|4.1%} {APR|fixed}. {No fees|No closing costs|No points}.",
    ],
  },
  {
    subject: [
      "{Cheap|Discount|Generic} {drug} {online|without prescription}",
      "{Your|The} {pharmacy|meds} {order|shipment}",
      "{Save|Up to} {70%|80%|90%} on {prescription drugs|medication}",
      "{drug} {$0.99|$1.25|$2} per {pill|dose}",
    ],
    body: [
      "{Buy|Order} {drug}, {drug} and {drug} {online|from our online pharmacy} {without a prescription|with no doctor visit}.",
      "{Discreet|Fast|Overnight} {shipping|delivery} {worldwide|to your door}. {Lowest prices|Best prices} {guaranteed|on the web}.",
      "{FDA approved|Licensed doctors|Brand quality} {generics|meds}. {No|Zero} {embarrassing|awkward} {questions|doctor visits}.",
      "{Visit|Go to|Click} {url} {now|today}. {Limited stock|Special offer ends soon}.",
      "{Increase|Boost} your {stamina|performance|confidence} {today|tonight}!",
    ],
  },
  {
    subject: [
      "{STOCK ALERT|Hot stock pick|Investor alert}: {stock} {set to soar|about to explode|undervalued}",
      "{This|One} {small cap|penny stock} {could|will} {triple|double} {this week|by Friday}",
      "{Breaking|Urgent} news: {stock} {merger|acquisition|contract} announced",
    ],
    body: [
      "{stock} (OTC: {stock}) is a {industry} company {trading at|priced at} {$0.12|$0.35|$0.08} a share.",
      "{Our analysts|Analysts} {rate it a STRONG BUY|expect a price target of $1.50|see 300% upside} {in the short term|within days}.",
      "{Get in|Buy} {now|before the news breaks|before Monday} {while it is cheap|before the big announcement}.",
      "{This newsletter|This report} {is a paid advertisement|was paid for by a third party}. {Forward-looking statements|Investing involves risk}.",
      "{Watch|Watch this stock} {Monday|tomorrow} {morning|at the open}!",
    ],
  },
  {
    subject: [
      "{Urgent|URGENT} {business proposal|assistance needed|and confidential}",
      "{From|Attn}: {title} {surname}",
      "{Request for|Seeking your} {partnership|cooperation|help}",
      "{Dear friend|My dear}",
    ],
    body: [
      "I am {title} {surname}, {a bank manager|an attorney|the son of the late minister|a widow} in {country}.",
      "I {seek|humbly seek|need} your {assistance|cooperation|help} to {transfer|move} the sum of {sum} {out of the country|to a foreign account}.",
      "You will {receive|be entitled to} {20%|30%|35%} {of the total sum|for your assistance}. {This transaction is 100% risk free|All documents are legal}.",
      "{Please|Kindly} {reply|send} {your full name, phone number and bank details|your private telephone number} {in strict confidence|urgently}.",
      "{God bless you|Thank you and God bless|Best regards}. {title} {surname}.",
    ],
  },
  {
    subject: [
      "{Work|Earn money} from home",
      "{Make|Earn} {$5,000|$10,000|$2,500} {a week|a month} {from home|part time}",
      "{Financial freedom|Be your own boss} {starts today|in 90 days}",
      "{The information you requested|Your free report}",
    ],
    body: [
      "{Are you|Tired of} {tired of|working for} {your boss|the 9 to 5|living paycheck to paycheck}?",
      "{Our|This} {proven|simple|turnkey} {system|home business|program} {lets you|shows you how to} {earn|make} {$3,000|$5,000|$1,000} {a week|per month} {from home|in your spare time}.",
      "{No experience|No selling|No risk} {required|needed}. {Thousands of people|Ordinary people} {are already|have started} {earning|making money}.",
      "{Reply|Send an email} with {INFO|MORE} in the subject {line|} {for|to receive} {a free report|details}, or visit {url}.",
      "{This is not MLM|This is not a pyramid|Residual income for life}!",
    ],
  },
  {
    subject: [
      "{Get|Increase} {traffic|visitors} to your {website|site}",
      "{Top|#1|First page} {Google|search engine} {rankings|placement} {guaranteed|in 30 days}",
      "{Email|Bulk} {lists|marketing} {that works|for your business}",
      "{Website|Web design} {proposal|offer}",
    ],
    body: [
      "{Dear|Hello} {website owner|webmaster|business owner}, {I|we} {visited|reviewed} your {site|website} and {noticed|found} {it is not ranking|several problems}.",
      "{We|Our team} {can|will} {submit your site to|get you listed on} {300|thousands of} {search engines|directories} {for one low price|for only $49}.",
      "{Reach|Send your ad to} {millions of|5 million} {email addresses|targeted prospects} {with our software|with our opt-in lists}.",
      "{Results guaranteed|100% satisfaction} {or your money back|or you don't pay}. {Reply|Call} {today|now} for a {free analysis|free quote}.",
      "{We also offer|We specialise in} {web design|SEO|hosting|lead generation} {at unbeatable prices|from $99}.",
    ],
  },
  {
    subject: [
      "{Replica|Luxury|Swiss} {watches|bags} {at 90% off|from $99}",
      "{Cheap|OEM|Discount} {software|product}",
      "{product} {wholesale|at factory prices|clearance}",
    ],
    body: [
      "{Buy|Order} {product} and {product} {at up to 80% off|at wholesale prices|for a fraction of retail}.",
      "{Perfect|High quality|Exact} {replicas|copies} {nobody can tell apart|with free shipping|shipped worldwide}.",
      "{OEM|Full version} software {download|CD} {instantly|today}: {save|pay only} {$49|$79} instead of {$599|$899}.",
      "{Visit our store|Shop now|Order today} {at|:} {url}",
      "{Limited stock|Sale ends Sunday|Offer valid while supplies last}!",
    ],
  },
  {
    subject: [
      "{Lose|Drop} {20|30|15} {lbs|pounds|kg} in {30 days|2 weeks}",
      "{New|Miracle|Doctor-approved} {diet pill|fat burner|formula}",
      "{Look|Feel} {10|20} years younger",
    ],
    body: [
      "{Our|This} {all-natural|herbal|clinically proven} {formula|supplement|patch} {melts|burns} {fat|belly fat} {while you sleep|without dieting}.",
      "{No diet|No exercise|No hunger}. {Thousands|Millions} of {satisfied customers|happy users} {lost|dropped} {weight|pounds} {fast|in weeks}.",
      "{Order|Try it} {now|today} and {get|receive} a {free bottle|free trial|second bottle free}. {Money back guarantee|100% guaranteed}.",
      "{Click|Visit} {url} {to order|for details}.",
    ],
  },
  {
    subject: [
      "{Hot|Wild|Free} {adult|XXX} {videos|pics|membership}",
      "{Lonely|Bored} {wives|singles} {in your area|near you}",
      "{Your free access|Free lifetime membership|Password inside}",
    ],
    body: [
      "{See|Watch} {hot|naughty|wild} {girls|teens|amateurs} {live on webcam|uncensored} {now|tonight}.",
      "{Free|FREE} {lifetime|3-day} {membership|access} to {our|15} {adult|XXX} sites. {No credit card needed|Just sign up}.",
      "{Meet|Chat with} {local|real} {singles|women} {looking for fun|tonight}. {age} {only|}.",
      "{Click here|Enter} {url}",
      "{You must be 18|Adults only}. {To be removed|To unsubscribe} {reply with REMOVE|click here}.",
    ],
  },
  {
    subject: [
      "{Online|Live} casino: {$500|200 free spins|100% bonus} {welcome bonus|for new players}",
      "{Win|Play} {big|now} at {our|the #1} {casino|sportsbook}",
    ],
    body: [
      "{Sign up|Register} {today|now} and {get|receive} {a $500 bonus|200 free spins|double your first deposit}.",
      "{Blackjack|Poker|Slots|Roulette} and {sports betting|live dealers} {24/7|from home}. {Fast payouts|Instant withdrawals}.",
      "{Play|Bet} {now|today} at {url}",
    ],
  },
  {
    subject: [
      "{University|College} {diploma|degree} {in weeks|without exams}",
      "{Get|Earn} your {MBA|Bachelor's|PhD} {based on life experience|fast}",
    ],
    body: [
      "{Obtain|Get} a {prestigious|genuine|verifiable} {degree|diploma} {from a non-accredited university|based on your life experience}.",
      "{No exams|No classes|No books}, {no study required|no attendance}. {Confidential|Discreet}.",
      "{Call|Contact} {us|our registrar} {24 hours|today} {for details|to apply}. {Leave your name and number|Reply now}.",
    ],
  },
  {
    subject: [
      "{Eliminate|Cut} your {debt|credit card debt}",
      "{Debt relief|Debt consolidation} {now|today}",
      "{Life|Health|Car} insurance quotes {in minutes|free}",
    ],
    body: [
      "{Drowning in|Struggling with} {debt|bills|credit card payments}? {We can|Our program will} {cut|reduce} your {payments|debt} {by up to 60%|in half}.",
      "{Compare|Get} {free|instant} {quotes|rates} from {top|leading} {insurers|lenders}. {No obligation|Free and confidential}.",
      "{Call|Apply} {toll free|now} at {1-888-555-0147|1-877-555-0163} or {visit|go to} {url}",
      "{This offer|This program} {is for|is only for} {US residents|homeowners}.",
    ],
  },
  {
    subject: [
      "{You've|You have} been {selected|chosen}",
      "{Claim|Collect} your {free gift|reward|prize}",
      "{Survey|Customer survey}: {win|get} a {$100|$500} {gift card|voucher}",
      "{Congratulations|Winner notification}",
    ],
    body: [
      "{Congratulations|Dear winner}! {Your email address|You} {has been|have been} {selected|randomly chosen} to receive {prize}.",
      "{Just|Simply} {complete|answer} {a short|our 3-question} survey {and|to} {claim|collect} {your reward|your gift card}.",
      "{Pay only|Just cover} the {shipping|handling} {fee|cost} of {fee}. {Offer expires|This offer ends} {in 24 hours|tonight}.",
      "{Click|Go to} {url} {now|to claim}.",
    ],
  },
  {
    subject: [
      "{Your account|Account} {has been suspended|is on hold|needs verification}",
      "{Security|Important} {alert|notice}: {unusual sign-in|verify your account}",
      "{Mailbox|Email} {quota|storage} {exceeded|full}",
    ],
    body: [
      "{Dear customer|Dear user|Valued member}, {we|our system} {detected|noticed} {unusual activity|a sign-in from a new device} on your {account|mailbox}.",
      "{To avoid|To prevent} {suspension|permanent closure|losing access}, {verify|confirm} your {identity|password|card details} {within 24 hours|immediately}.",
      "{Click|Log in at} {url} {to continue|to restore access}.",
      "{Failure to do so|If you do not respond} {will result in|means} {your account being closed|loss of your data}.",
    ],
  },
  {
    subject: [
      "{Unlimited|Free} {long distance|calling|minutes}",
      "{Cable|Satellite} TV {descrambler|filter}: watch {free|all channels}",
      "{Protect|Speed up} your {PC|computer|laptop}",
    ],
    body: [
      "{Switch|Sign up} {today|now} {and|to} {call|talk} {anywhere|all you want} for {one low flat rate|$19.95 a month|3 cents a minute}.",
      "{Watch|Get} {premium channels|pay-per-view|every movie} {free|for free} {with our filter|with this device} {for only $29.95|legally}.",
      "{Is your computer slow|Your PC may be infected}? {Download|Run} our {free scan|software} {now|today} {to fix errors|to remove spyware}.",
      "{Order|Click} {now|today}: {url}. {Satisfaction guaranteed|30-day money back guarantee}.",
    ],
  },
];

/** Removal/compliance footers of bulk mail. */
const SPAM_FOOTERS = [
  "To be removed from our mailing list, reply with REMOVE in the subject line.",
  "This email was sent in compliance with all applicable laws. If you no longer wish to receive our offers, click here.",
  "You are receiving this because you opted in at one of our partner sites. To opt out {url}",
  "This is a one-time mailing. We apologise if this reached you in error; send a blank email to remove@bulk.example.biz.",
  "**************************************** UNSUBSCRIBE: {url} ****************************************",
  "If you wish to be excluded from future mailings, please reply with 'remove' and we will delete your address.",
];

/** Genuine SMS: personal chat in various styles, codes and notices from services. */
const HAM_SMS = [
  "{Hey|Hi|Yo} {first}, {are|r} {you|u} {coming|still coming} to {place} {tonight|later|at {time}}?",
  "{Running|Gonna be} {late|a bit late}, {be there|there} in {10|15|20} {mins|minutes}. {Sorry|Soz}!",
  "{Can|Could} {you|u} {grab|pick up} {some|} {milk|bread|eggs} on the way {home|back}?",
  "{Ok|Okay|K} {see you|c u} at {time} then. {Don't|Dont} forget {the|ur} {thing}!",
  "{Lol|Haha} {that's|thats} {hilarious|so funny}. {Did|Wat did} {he|she} say {after|then}?",
  "{Left|Think I left} my {thing} at {place}, {can|could} {you|u} check {for me|when u get there}?",
  "{Just|Jus} got {home|back}. {So tired|Knackered}, {going to|gonna} {sleep|crash}. {Night|Nite} x",
  "{Fancy|Wanna} {grabbing|getting} {food} {tonight|later}? {My treat|I'm starving}.",
  "{Happy birthday|Happy bday} {first}!! {Hope|Hav} {you|u} {have|a} {an amazing|a great} day x",
  "{Missed|Sorry I missed} {your|ur} call, {was|I was} {in a meeting|driving|at {place}}. {Call|Ring} {you|u} back {in a bit|after {time}}.",
  "{Mum|Dad} says {dinner|tea} {is|at} {time}. {Bring|Don't forget} {the dessert|your washing|the kids}.",
  "{What|Wat} time {does|is} the {film|match|train|bus} {start|leave}? {I'll|Ill} meet {you|u} at {place}.",
  "{How|Hows} {was|the} {the interview|ur exam|the trip|work}? {Tell me|Txt me} {everything|later}!",
  "{I'm|Im} at {place}, {where|wer} {are|r} {you|u}?",
  "{Thanks|Thx|Cheers} {for|4} {today|last night|the lift}, {really|rly} {enjoyed it|appreciated it}.",
  "{Can't|Cant} {talk|come} {now|right now}, {I'll|i'll} {text|call} {you|u} {later|2nite}.",
  "{Shall|Should} {I|we} {book|get} {tickets|a table} for {Friday|Saturday|Sunday}? {It's|Its} {£12|£25|£8} each.",
  "{Your|Ur} {parcel|package} {is here|came}, {I|i} {put it|left it} {in the shed|with next door|on the table}.",
  "{Your|Ur} {share|half} of the {bill|rent|tickets} is {£35|£42.50|£120}, {transfer|send} it when {you|u} can {no rush|}.",
  "{Good luck|Gd luck} {with|for} {your|ur} {exam|interview|driving test} {today|2moro}! {You'll|U'll} {smash it|be fine}.",
  "{I've|Ive} sent {you|u} the {photos|link|address}, {let me know|lemme know} if {it|they} {doesn't|dont} {work|open}.",
  "{Is|Iz} {it|the party} {still|} on {for|at} {time}? {Need|Shall i bring} {anything|drinks}?",
  "{Your|The} {verification|security|login} code is {483920|117604|920351|664218}. {Do not|Don't} share {it|this code} with anyone.",
  "{first}, your {appointment|booking} at {the dentist|the surgery|the salon} is {confirmed|booked} for {Tue|Wed|Thu} at {10:40|14:15|9:00}. Reply C to cancel.",
  "{Your|The} {order|delivery} from {company} {is out for delivery|will arrive} {today|tomorrow} between {9|10|12} and {1|2|4}. Track it in the app.",
  "{Reminder|Friendly reminder}: {your|the} {car|MOT|prescription} {is due|is ready} {on Friday|next week}. {Thanks|See you then}, {company} {Garage|Pharmacy}.",
  "{Sorry|Soz} {I|i} {was|wz} {asleep|in the shower|out}. {Yeah|Ya} {that's|thats} fine, {see|c} {you|u} {time}.",
  "{Don't|Dont} worry {about it|abt it}, {it's|its} {fine|all good}. {Just|Jus} {come|drop by} when {you're|ur} free.",
  "{Where|Wer} {did|do} {you|u} {park|leave the car}? {I|i} {can't|cant} find {it|the car} {at|in} {place}.",
  "{first} {said|says} {the|that} {meeting|class|practice} {is|has been} {moved|cancelled} {to {time}|till next week}.",
  "{Eh|Oi} {you|u} {free|around} {later|this arvo}? {Wanna|Want to} {play|go for} {football|a walk|tennis}?",
  "{Win|Won} the {quiz|match|raffle} at {place} {last night|today}!! {Free|Got a} {drinks|voucher} {for|4} the team {lol|haha}",
  "{Call|Ring} me {when|wen} {you|u} {can|get a chance}, {need|wanna} {to|2} ask {you|u} {something|sumthing}.",
];

/** Genuine mail: lists, newsletters people signed up for, receipts, releases, calendar. */
const HAM_MAIL: Array<{ subject: string[]; body: string[] }> = [
  {
    subject: [
      "Re: [{project}-devel] {build failure|segfault|patch} {on|in} {version}",
      "[{project}] Re: {config question|strange behaviour after upgrade|memory leak}",
    ],
    body: [
      "{first} wrote: > {I get|I'm seeing} {a segfault|an error|a warning} {when|after} {running make|starting the daemon|upgrading to {version}}.",
      "{That's|This is} {a known bug|fixed in CVS|fixed in {version}}, {see|check} the {changelog|bug tracker|archives} {for details|}.",
      "{Try|Could you try} {running it with --debug|rebuilding with the patch|removing the cache directory} and {post|send} the {output|backtrace} {to the list|here}?",
      "{It works|Worked} {for me|here} on {Debian|Red Hat 7.3|FreeBSD|Mandrake} {with|using} {gcc 3.2|perl 5.8|python 2.2}.",
      "{Cheers|Thanks|Regards}, {first}",
    ],
  },
  {
    subject: [
      "[ANNOUNCE] {project} {version} released",
      "{project} {version} is out",
    ],
    body: [
      "{We are pleased to announce|I'm happy to announce} {the release of|} {project} {version}.",
      "{This release|The new version} {fixes|includes fixes for} {several crashes|a security issue|12 bugs} and {adds|introduces} {IPv6 support|a new plugin API|faster startup}.",
      "{Download|Tarballs} {at|from} http://{project}.example.org/download/ {and|;} {MD5 sums|signatures} {are|are on} the {same page|website}.",
      "{Please report bugs|Bug reports} {to the tracker|to the list}. {Thanks to everyone who helped|Thanks to all contributors}!",
    ],
  },
  {
    subject: [
      "{Today's|Daily|Weekly} {headlines|news digest|tech news}",
      "{company} {Weekly|Daily|Insider}: {issue 214|this week's stories|top stories}",
    ],
    body: [
      "{Top stories|In this issue|Today's headlines}: {a chip maker cuts jobs|new browser released|court rules on software patents|record heatwave in Europe}.",
      "{Read more|Full story} at http://news.{company}.example.com/{2002|2003}/{07|09}/{story|article}.html",
      "{Also|Plus}: {reviews of three new laptops|our readers' letters|the week in pictures|a free software column}.",
      "{You are subscribed as|This newsletter was sent to} {first}@example.com. {To change your subscription|Manage your preferences}, {visit|go to} http://lists.example.com/options",
      "{Copyright|(c)} 2002 {company} {Media|Publishing}. {All rights reserved|Reproduction prohibited}.",
    ],
  },
  {
    subject: [
      "{Your|Order} {receipt|confirmation} {from|for} {company}",
      "{Order|Invoice} #{48213|77120|31904} {confirmed|shipped}",
    ],
    body: [
      "{Thank you for your order|Thanks for shopping with us}, {first}.",
      "{Order|Invoice} {48213|77120|31904}: {1 x USB hub, 2 x cable|1 book|a replacement battery}, {total|amount} {$23.40|£18.99|€42.00}.",
      "{It will ship|We will email you} {within 2 working days|when it ships}. {Track|View} your order {in your account|at http://shop.example.com/orders}.",
      "{Questions?|Need help?} {Reply to this email|Contact our support team}.",
    ],
  },
  {
    subject: [
      "{Meeting|Call|Invitation}: {project sync|quarterly review|1:1} {on|-} {Tue|Wed|Thu} {10:00|14:30}",
      "Updated invitation: {planning|design review} @ {Mon|Fri} {9am|3pm}",
    ],
    body: [
      "{first} has invited you to {a meeting|an event}. {When|Time}: {Tuesday|Wednesday} {10:00-10:30|14:30-15:30}. {Where|Location}: {room 2B|video call}.",
      "{Agenda|Topics}: {status of the release|budget for next quarter|hiring plan}, {open questions|AOB}.",
      "{Accept|Decline|Tentative} - {view|see} the event in your calendar.",
    ],
  },
  {
    subject: [
      "Re: {ticket|case} #{10442|20387|5521}: {cannot log in|invoice question|export fails}",
      "{Your support request|Case update} #{10442|20387|5521}",
    ],
    body: [
      "Hi {first}, {thanks for getting in touch|thanks for your patience}.",
      "{We've|We have} {reset your password|corrected the invoice|reproduced the bug} and {the fix|a patch} {will be|is} {deployed tonight|in version {version}}.",
      "{If the problem persists|If you have any other questions}, {just reply to this email|reply and we'll reopen the ticket}.",
      "{Best|Kind regards}, {first} - {company} Support",
    ],
  },
  {
    subject: [
      "{Headline|Feed item}: {council votes on new budget|storm hits the coast|new phone announced}",
      "{first}'s {weblog|blog}: {a long weekend|on writing tests|new camera}",
    ],
    body: [
      "URL: http://{blog|news|feeds}.example.{org|net}/{2002|2003}/{08|10}/{14|27}.html#{item3|p1} Date: {2002-08-14|2002-10-27}T{09:12|21:40}:00-{05|07}:00",
      "{The government|Officials|Researchers} {said on Monday|announced today|reported} that {talks would continue|the plan would cost about $2 million|the results surprised them}.",
      "{I spent|We spent} the {weekend|evening} {fixing the fence|reading|at the coast} and {finally|} {finished the book|took some photos|wrote the parser}.",
      "{Read more|Comments} {at|:} http://{blog|news}.example.org/{archives|stories}/{2041|877}",
    ],
  },
  {
    subject: [
      "{product} {version} {released|now available}!",
      "{New release|Upgrade offer} for registered {company} users",
    ],
    body: [
      "Dear {company} {user|customer}, {we are pleased to announce|today we released} {version} of our {FTP client|photo editor|backup software}.",
      "{New features|What's new}: {tabbed sessions|faster transfers|scheduled backups}, {improved security|a new interface} and {dozens of bug fixes|better Windows XP support}.",
      "{Registered users|Customers with a licence} {can upgrade|upgrade} {free|at 50% off|for $19.95} {from|at} http://www.{company}.example.com/upgrade",
      "{You are receiving this|This message was sent} because you registered {a product|your software} with {company}. {To unsubscribe|To stop these announcements}, {visit|update your profile at} http://www.{company}.example.com/profile",
    ],
  },
  {
    subject: [
      "{Reminder|There's still time}: {enter|our} {summer|new season} {sweepstakes|contest}",
      "{company} {auction|deal} alert: {items you watch|your saved search}",
    ],
    body: [
      "{Thanks for entering|You entered} the {company} {sweepstakes|contest} {on our website|last month}. {There's still time|You can enter again} {every day|once a day} until {August 31|the end of the season}.",
      "{Prizes include|This week you could win} {a trip to the show|a home cinema|signed merchandise}. {No purchase necessary|Official rules on our site}.",
      "{3|5|12} new {items|listings} match {your saved search|your watch list}: http://auctions.example.com/{alert|search}?id={4471|9902}",
      "{You signed up for|You asked for} these {alerts|emails} {on our site|in your account}. {Manage alerts|Unsubscribe} at http://{company}.example.com/{alerts|prefs}",
    ],
  },
  {
    subject: [
      "Re: [{project}-talk] {rule scores|false positives|bayes training} {for|with} {version}",
      "Re: {spam|junk mail} {filtering|rules} for {the list|our server}",
    ],
    body: [
      "{first} wrote: > {the rule|this test} {fires on|matches} {'free money'|'click here'|'100% guaranteed'} {in legitimate newsletters|too often}.",
      "{Yes|Agreed}, {that rule|the phrase test} {scores too high|needs a lower score}; {most|a lot of} {spam|junk} {these days|} {uses|comes with} {HTML|obfuscated words} {anyway|instead}.",
      "{I've|I have} {trained|retrained} {the bayes database|my filter} on {2,000|5,000} {ham and spam|messages} and {the false positive rate|accuracy} {is|looks} {much better|fine now}.",
      "{Patch attached|Rule update below}; {please test|comments welcome} {before|and} {I commit|we release} {version}.",
    ],
  },
  {
    subject: [
      "{company} {partner|travel} offers: {travel insurance|car hire|hotel deals}",
      "{Your|The} {company} {tips|newsletter}: {issue 57|this week}",
    ],
    body: [
      "{As a|Because you are a} {company} {customer|member}, {we have teamed up with|in partnership with} {our partners|a leading insurer} to offer {travel insurance|car hire|hotel rooms} {at a special rate|from 9 euro a day}.",
      "{This week's tip|In this issue}: {how to clean up your startup folder|keyboard shortcuts you never knew|a free tool to back up your email}.",
      "{Details|More} {at|:} http://www.{company}.example.com/{offers|tips}/{2002|issue57}",
      "{You subscribed to|You receive} this {newsletter|email} {with the address|as} {first}@example.com. {Unsubscribe|Change your settings} {at any time|here}: http://www.{company}.example.com/unsubscribe",
    ],
  },
  {
    subject: [
      "{Your|Security} {sign-in|login} code",
      "{New sign-in|Password changed} on your {company} account",
    ],
    body: [
      "{Your|The} {verification|one-time} code is {551230|873014|209876}. {It expires in 10 minutes|Enter it to continue}.",
      "{If you didn't request this|If this wasn't you}, {you can ignore this email|change your password in account settings}.",
      "{The|-} {company} {team|accounts team}",
    ],
  },
];

function pickerFor(seed: number) {
  const rand = rng(seed);
  return <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
}

function styled(s: string, i: number): string {
  if (i % 9 === 4) return s.toUpperCase();
  if (i % 3 === 1) return textSpeak(s);
  if (i % 5 === 2) return s.toLowerCase();
  return s;
}

function mail(tpl: { subject: string[]; body: string[] }, pick: <T>(xs: T[]) => T, n: number) {
  const subject = fill(pick(tpl.subject), pick);
  const body = tpl.body.filter((_, j) => j < 2 || j % 2 === n % 2 || n % 3 === 0);
  return `${subject}\n${body.map((b) => fill(b, pick)).join(n % 2 ? "\n" : " ")}`;
}

/** `perTemplate` generated bulk SMS and bulk e-mails per template (deterministic). */
export function generatedSpam(perTemplate = 4): string[] {
  const pick = pickerFor(11);
  const out: string[] = [];
  SPAM_SMS.forEach((tpl, t) => {
    for (let n = 0; n < perTemplate; n++) out.push(styled(fill(tpl, pick), t + n));
  });
  SPAM_MAIL.forEach((tpl, t) => {
    for (let n = 0; n < perTemplate; n++) {
      let text = mail(tpl, pick, n);
      if ((t + n) % 2 === 0) text += "\n\n" + fill(pick(SPAM_FOOTERS), pick);
      if ((t + n) % 5 === 3) text = text.toUpperCase();
      out.push(text);
    }
  });
  return out;
}

/** `perTemplate` generated genuine SMS and e-mails per template (deterministic). */
export function generatedHam(perTemplate = 4): string[] {
  const pick = pickerFor(23);
  const out: string[] = [];
  HAM_SMS.forEach((tpl, t) => {
    for (let n = 0; n < perTemplate; n++) {
      const s = fill(tpl, pick);
      out.push((t + n) % 4 === 1 ? s.toLowerCase() : s);
    }
  });
  HAM_MAIL.forEach((tpl) => {
    for (let n = 0; n < perTemplate; n++) out.push(mail(tpl, pick, n));
  });
  return out;
}
