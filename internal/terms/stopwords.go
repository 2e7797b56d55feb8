package terms

import "strings"

// The stop-word lists hold the function words and the very general words
// that spaCy's English and French lists hold (textacy filters n-grams that
// start or end with a spaCy stop word), written out here. They are matched
// on the lower-cased word.

var englishStopwords = wordSet(`
a about above across after afterwards again against all almost alone along
already also although always am among amongst amount an and another any
anyhow anyone anything anyway anywhere are around as at back be became
because become becomes becoming been before beforehand behind being below
beside besides between beyond both bottom but by ca call can cannot could
did do does doing done down due during each eight either eleven else
elsewhere empty enough even ever every everyone everything everywhere except
few fifteen fifty first five for former formerly forty four from front full
further get give go had has have he hence her here hereafter hereby herein
hereupon hers herself him himself his how however hundred i if in indeed
into is it its itself just keep last latter latterly least less made make
many may me meanwhile might mine more moreover most mostly move much must my
myself name namely neither never nevertheless next nine no nobody none
noone nor not nothing now nowhere of off often on once one only onto or
other others otherwise our ours ourselves out over own part per perhaps
please put quite rather re really regarding same say see seem seemed seeming
seems serious several she should show side since six sixty so some somehow
someone something sometime sometimes somewhere still such take ten than
that the their them themselves then thence there thereafter thereby
therefore therein thereupon these they third this those though three
through throughout thru thus to together too top toward towards twelve
twenty two under unless until up upon us used using various very via was we
well were what whatever when whence whenever where whereafter whereas
whereby wherein whereupon wherever whether which while whither who whoever
whole whom whose why will with within without would yet you your yours
yourself yourselves
n't 's 'm 're 've 'd 'll nt
`)

var frenchStopwords = wordSet(`
a à â abord afin ah ai aie aient aies ailleurs ainsi ait allaient allo
allons allô alors après assez attendu au aucun aucune aucuns aujourd aujourd'hui
auquel aura aurai auraient aurais aurait auras aurez auriez aurions aurons
auront aussi autre autrement autres autrui aux auxquelles auxquels avaient
avais avait avant avec avez aviez avions avoir avons ayant ayez ayons
bah bas beaucoup bien bigre bon boum bravo brrr
c c' ça car ce ceci cela celle celle-ci celle-là celles celles-ci celles-là
celui celui-ci celui-là cent cependant certain certaine certaines certains
certes ces cet cette ceux ceux-ci ceux-là chacun chacune chaque cher chère
chères chers chez chiche chut ci cinq cinquantaine cinquante cinquantième
cinquième clac clic combien comme comment compris concernant contre couic
crac
d d' da dans de debout dedans dehors delà depuis derrière des dès désormais
desquelles desquels dessous dessus deux deuxième deuxièmement devant devers
devra devrait différent différente différentes différents dire divers
diverse diverses dix dix-huit dix-neuf dix-sept dixième doit doivent donc
dont douze douzième dring du duquel durant
effet eh elle elle-même elles elles-mêmes en encore entre envers environ es
ès est et etc étaient étais était étant été etre être eu eue eues euh eûmes
eurent eus eusse eussent eusses eussiez eussions eut eût eûtes eux
eux-mêmes excepté
façon fais faisaient faisant fait faites feront fi flac floc font fûmes
furent fus fusse fussent fusses fussiez fussions fut fût fûtes
gens
ha hé hein hélas hem hep hi ho holà hop hormis hors hou houp hue hui huit
huitième hum hurrah
i ici il ils importe
j j' je jusqu jusqu' jusque juste
l l' la là laquelle las le lequel les lès lesquelles lesquels leur leurs
longtemps lorsque lorsqu lorsqu' lui lui-même
m m' ma maint maintenant mais malgré me même mêmes merci mes mien mienne
miennes miens mille mince moi moi-même moins mon moyennant
n n' na ne néanmoins neuf neuvième ni nombreuses nombreux non nos notre
nôtre nôtres nous nous-mêmes nul
o ô oh ohé olé ollé on ont onze onzième ore ou où ouf ouias oust ouste outre
paf pan par parce parfois parmi partant particulier particulière
particulièrement pas passé pendant personne peu peut peuvent peux pff pfft
pfut pif plein plouf plus plusieurs plutôt pouah pour pourquoi pourra
pourrait premier première premièrement près proche psitt puis puisque
puisqu puisqu' pur
qu qu' quand quant quanta quant-à-soi quarante quatorze quatre
quatre-vingt quatrième quatrièmement que quel quelconque quelle quelles
quelque quelques quelqu'un quels qui quiconque quinze quoi quoique
revoici revoilà rien
s s' sa sacrebleu sans sapristi sauf se seize selon sept septième sera
serai seraient serais serait seras serez seriez serions serons seront ses
si sien sienne siennes siens sinon six sixième soi soi-même soit soixante
son sont sous stop suis suivant sur surtout
t t' ta tac tant te té tel telle tellement telles tels tenant tes tic tien
tienne tiennes tiens toc toi toi-même ton touchant toujours tous tout toute
toutes treize trente très trois troisième troisièmement trop tsoin tsouin tu
un une unes uns
va vais vas vé vers via vif vifs vingt vivat vive vives vlan voici voilà
vont vos votre vôtre vôtres vous vous-mêmes vu
y
zut
`)

// englishInterjections are the greetings, thanks and exclamations that
// open tweets and messages ("Thanks!", "Congratulations to ...", "Thank
// you", "Wow,"). The tagger, like spaCy's, often tags them NN or NNS ("thanks"
// and "congratulations" are plural nouns in the Penn Treebank), so that
// textacy would keep them; they are never a topic, and a topic's name is
// made of its terms, so they are dropped. Words that are also ordinary
// nouns ("welcome", "cheers", "love") are not listed.
var englishInterjections = wordSet(`
thank thanks thx ty congratulations congrats congratulation kudos
hello hi hey hiya howdy bye goodbye greetings
wow whoa oh ooh ah aha oops ouch yay hooray hurray bravo
yeah yes yep yup nope ok okay lol lmao rofl omg haha hahaha
`)

func wordSet(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
