import csv, random, sys
random.seed(12)
themes = {
 "war": (["The army", "A general", "The soldiers", "The old veteran", "The navy", "A war reporter", "The rebels", "The defence minister"],
         ["fought a long battle near", "marched at dawn towards", "bombed the bridges of", "lost many men in the war for", "signed a ceasefire with the enemy at", "prepared a new offensive against", "remembered the war and the dead of", "sent tanks and troops to"],
         ["the northern border", "the capital", "the old fortress", "the river valley", "the coast", "the mountain pass", "the occupied city", "the front line"]),
 "peace": (["The diplomats", "A peace envoy", "The two presidents", "The United Nations", "Church leaders", "The negotiators", "Young volunteers", "The mediators"],
         ["signed a peace treaty in", "called for peace and dialogue in", "opened talks on reconciliation in", "celebrated ten years of peace in", "rebuilt schools and homes in", "organised a peace march through", "agreed on a lasting truce for", "planted a garden of peace in"],
         ["Geneva", "the border villages", "the divided city", "the region", "the capital", "the valley", "the islands", "the old market square"]),
 "women": (["Many women", "A young mother", "The women's team", "Female engineers", "A group of women", "Her grandmother", "The women of the village", "Two sisters"],
         ["started a business in", "won equal pay at", "led the campaign for women's rights in", "trained girls to code in", "ran for mayor of", "opened a clinic for mothers in", "wrote a book about women in", "organised a women's football league in"],
         ["the city", "the factory", "their town", "the university", "the countryside", "the region", "the parliament", "the old district"]),
 "men": (["Many men", "A young father", "The men's choir", "Two brothers", "The fishermen", "His grandfather", "The men of the village", "Retired miners"],
         ["talked about men's health in", "took paternity leave from", "built a boat in", "worked long shifts at", "cooked dinner for their families in", "joined a support group for men in", "sang old songs in", "repaired the church roof in"],
         ["the harbour", "the mine", "the factory", "the village", "the town hall", "the workshop", "the pub", "the valley"]),
 "past": (["Historians", "The museum", "An old diary", "Archaeologists", "The archives", "A documentary", "My grandparents", "The history teacher"],
         ["described life in the past in", "found ancient coins near", "recalled the history of", "showed old photographs of", "told stories from the past about", "restored a medieval chapel in", "studied the Roman roads of", "explained the traditions of"],
         ["the nineteenth century", "the old town", "the empire", "the first railway", "the lost kingdom", "the ancient harbour", "the war years", "the village a century ago"]),
 "future": (["Engineers", "A startup", "Scientists", "The space agency", "Urban planners", "Students", "A futurist", "The city council"],
         ["imagined the future of", "built a prototype for the future of", "predicted a bright future for", "tested self-driving cars in", "designed a solar powered", "launched a rocket to study", "planned the smart city of", "invested in new technology for"],
         ["energy", "transport", "the moon", "medicine", "farming", "artificial intelligence", "the next decade", "clean water"]),
 "positive": (["This restaurant", "The new phone", "Our holiday", "The concert", "This book", "The hotel staff", "The film", "The new park"],
         ["was wonderful and", "is excellent and", "made us happy and", "was a great, positive surprise and", "felt friendly and", "is the best we tried and", "was lovely and", "deserves praise and"],
         ["we will come back", "I recommend it", "everyone smiled", "the service was perfect", "the price was fair", "it exceeded our hopes", "it was worth every minute", "the children loved it"]),
 "negative": (["This restaurant", "The new phone", "Our holiday", "The concert", "This book", "The hotel", "The film", "The delivery"],
         ["was terrible and", "is a bad, negative experience and", "disappointed us and", "was awful and", "broke after a week and", "was boring and", "was late and", "was the worst we tried and"],
         ["we want a refund", "I do not recommend it", "nobody enjoyed it", "the service was rude", "the price was too high", "it was a waste of time", "the room was dirty", "the food was cold"]),
 "software": (["The Debian package", "This library", "The command line tool", "A Go program", "The web server", "This Python module", "The database", "The compiler"],
         ["parses CSV files and", "serves HTTP requests and", "compresses logs and", "indexes documents and", "runs tests in parallel and", "encrypts backups and", "draws charts and", "translates messages and"],
         ["writes JSON output", "supports Unicode", "is fast on two cores", "needs no configuration", "reads data from Redis", "ships with a manual", "handles large files", "runs on Linux"]),
 "politics": (["China", "America", "The president", "Obama", "Trump", "The senate", "The prime minister", "The election campaign"],
         ["discussed trade with", "criticised the policy of", "met the leaders of", "raised taxes on imports from", "signed a climate agreement with", "debated immigration with", "announced new tariffs on", "held a summit with"],
         ["China", "America", "Europe", "the media", "Mexico", "its allies", "the people", "new jobs"]),
}
rows = []
for theme, (subj, verb, obj) in themes.items():
    seen = set()
    while len(seen) < 30:
        s = f"{random.choice(subj)} {random.choice(verb)} {random.choice(obj)}."
        seen.add(s)
    for s in sorted(seen):
        rows.append((s, theme))
random.shuffle(rows)
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["doc_id", "text", "theme"])
for i, (s, t) in enumerate(rows):
    w.writerow([f"doc-{i:03d}", s, t])
