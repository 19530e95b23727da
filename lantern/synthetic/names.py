"""Name, language and place lists for synthetic data.

Everything here is made up or generic: first names and surnames are common ones, combined at
random; towns are fictional and every postcode is in the fictional "XL" area, so no generated
person can be matched with a real address.

Names are grouped by *origin* (a naming tradition, with the languages its families speak), and
each census ethnicity code maps to one or more origins. The mix reflects an English county: mostly
White British, with Polish, Romanian and other European families, Pakistani, Bangladeshi and
Indian families, African and Caribbean families, and smaller groups.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """A naming tradition: first names for children and adults, surnames, home languages."""

    girls: tuple[str, ...]
    boys: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    surnames: tuple[str, ...]
    #: (language, weight) pairs for adults' first language.
    languages: tuple[tuple[str, int], ...]
    #: The ethnicity code an adult of this origin is usually recorded with.
    ethnicity: str
    #: Chance that a child of the family has English as first language.
    child_english: float = 1.0


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_BRITISH_SURNAMES = _t(
    """
    Smith Jones Taylor Brown Wilson Johnson Davies Robinson Wright Thompson Evans Walker White
    Roberts Green Hall Wood Jackson Clarke Harrison Turner Hill Cooper Ward Morris Moore King
    Watson Baker Harris Lewis Martin Carter Hughes Edwards Lee Parker Shaw Allen Bennett Holmes
    Mitchell Bailey Cook Price Marshall Atkinson Butler Barker Chapman Dixon Ellis Fletcher
    Greenwood Hargreaves Heywood Holden Howarth Kershaw Lord Pilling Ashworth Whittaker Entwistle
    Crossley Sutcliffe Ormerod Haworth Rigby Sharples Tattersall Parkinson Bamber Cottam Dewhurst
    Fairclough Fielding Higson Lomax Mercer Nuttall Pickup Riley Slater Townsend Unsworth Wallbank
    Webb Foster Bird Knight Mason Pearce Stone Weston Stevens Lamb Rowe Marsh Page Dunn Burton
    Gibson Payne Hart Cole Hunt Simpson Mills Hudson Russell Sanders Palmer Reynolds Lawrence Hayes
    Fox Gray Rose Chambers Bates Lloyd Barnes Fisher Graham Howard Kennedy Matthews Owen Pearson
    Richardson Saunders Spencer Stewart Sullivan Wells West Woods Young Armstrong Barrett Berry
    Bradley Burns Carr Cox Crawford Day Dean Elliott Ferguson Ford Gardner Gordon Griffiths Hamilton
    Harvey Henderson Hopkins Hussey Jenkins Kelly Lane Little Lucas Mann Mason Morgan Murray
    Newman Norris Parry Perkins Phillips Porter Powell Quinn Reid Rees Rogers Ryan Sharp Short
    Skinner Stevenson Thomas Tucker Vaughan Wade Walsh Warren Watts Wheeler Whitehead Wilkinson
    Williams Winter Yates Ainsworth Barlow Birtwistle Brierley Clegg Duckworth Eccles Grimshaw
    Hindle Hoyle Illingworth Jagger Kenyon Livesey Mellor Openshaw Pendlebury Ramsbottom Schofield
    Shackleton Thwaite Walmsley Whalley Cartwright Dawson Gregory Hobbs Hooper Kemp Sheppard Ball
    """
)

BRITISH = Origin(
    girls=_t(
        """
        Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Poppy
        Evie Ella Daisy Sienna Emily Phoebe Ruby Harper Millie Scarlett Evelyn Matilda Elsie Lola
        Holly Chloe Jessica Megan Lacey Summer Skye Paige Courtney Leah Keira Maisie Brooke Lexi
        Amber Caitlin Erin Tilly Bethany Hollie Esme Orla Layla Molly Harriet Imogen Thea Maya
        Aurora Violet Ellie Gracie Darcy Lottie Hallie Mollie Ellie-Mae Lily-Rose Kacey Demi Tia
        Jasmine Abigail Hannah Georgia Madison Niamh Charlie Alice Bonnie Edith Nancy Penny
        """
    ),
    boys=_t(
        """
        Noah Oliver George Arthur Leo Harry Oscar Archie Henry Theo Jack Charlie Freddie Alfie Thomas
        Jacob Finley Tommy Jayden Riley Mason Harrison Logan Dylan Kai Tyler Callum Reece Kyle Connor
        Liam Ethan Lewis Jake Ryan Joshua Bailey Brandon Ellis Harley Louie Frankie Ronnie Teddy Albie
        Reggie Stanley Jenson Max Sam Jamie Ollie Toby Joseph William Edward Samuel Benjamin Luca
        Jude Rory Ezra Hunter Billy Bobby Tommy-Lee Kayden Corey Declan Aaron Owen Rhys Lucas Isaac
        Zachary Elliot Jacob Caleb Harvey Ashton Mikey Robbie Sonny Alfie-James
        """
    ),
    women=_t(
        """
        Sarah Emma Gemma Kelly Lisa Rebecca Laura Claire Amy Natalie Stacey Jodie Kirsty Danielle
        Leanne Hayley Charlotte Samantha Nicola Victoria Zoe Jade Michelle Donna Tracey Joanne Louise
        Katie Rachel Vicky Kerry Shannon Chantelle Carly Jenna Lauren Helen Karen Julie Dawn Susan
        Janet Margaret Linda Angela Sharon Becky Abbie Jess Kayleigh Toni Hannah Sophie Lucy Emily
        Jennifer Catherine Elizabeth Alison Wendy Pauline Jacqueline Sandra Christine Beverley
        """
    ),
    men=_t(
        """
        Daniel Craig Lee Mark Paul Darren Jason Wayne Dean Shaun Carl Stephen Matthew Christopher
        Andrew David James Michael Richard Gary Scott Jamie Ashley Adam Luke Ben Kieran Ricky Robert
        Anthony Neil Gareth Martin Kevin Ian Stuart Simon Peter Brian Keith John Graham Steven
        Thomas Liam Ryan Jordan Nathan Aaron Jack Joe Callum Dale Gavin Russell Philip Alan Colin
        """
    ),
    surnames=_BRITISH_SURNAMES,
    languages=(("English", 1),),
    ethnicity="WBRI",
)

IRISH = Origin(
    girls=_t("Aoife Ciara Niamh Siobhan Roisin Saoirse Orla Grainne Kathleen Bridget Mary Caoimhe Clodagh Ailbhe"),
    boys=_t("Sean Patrick Michael Cian Oisin Padraig Conor Eoin John Martin Tommy Francis Christy Darragh Cathal"),
    women=_t("Maureen Siobhan Deirdre Bernadette Colette Fiona Aisling Majella Noreen Eileen Geraldine Theresa"),
    men=_t("Declan Brendan Seamus Fergal Kieran Liam Eamon Niall Ciaran Dermot Gerard Kevin"),
    surnames=_t(
        """
        Murphy Kelly O'Brien Byrne Ryan O'Connor O'Neill Doyle Quinn Flynn Gallagher Brennan Kavanagh
        McCarthy Nolan Walsh Delaney Sheridan Fitzgerald Lynch Moran Keane Dunne Healy Carroll
        """
    ),
    languages=(("English", 1),),
    ethnicity="WIRI",
)

TRAVELLER = Origin(
    girls=_t("Bridget Mary Kathleen Margaret Nora Winnie Ellen Josie Chelsea Shannon Tiffany Dolly Patsy Mary-Ann"),
    boys=_t("John Patrick Michael Martin Tommy Christy Paddy Johnny Jimmy Willie Joe Francie Mikey Jim"),
    women=_t("Bridget Mary Kathleen Margaret Nora Winnie Ellen Anne Josie Helen"),
    men=_t("John Patrick Michael Martin Tommy Christy Paddy Jimmy Joe Francie"),
    surnames=_t("McDonagh Ward Connors Joyce Maughan Doherty McGinley Stokes Collins Delaney Mongan O'Driscoll"),
    languages=(("English", 1),),
    ethnicity="WIRT",
)

POLISH = Origin(
    girls=_t("Zuzanna Julia Maja Zofia Hanna Lena Oliwia Amelia Natalia Wiktoria Emilia Gabriela Alicja Nikola Laura"),
    boys=_t("Jakub Antoni Szymon Jan Filip Kacper Mateusz Wojciech Bartosz Igor Oskar Michal Aleksander Dawid Adam"),
    women=_t("Agnieszka Katarzyna Magdalena Joanna Monika Anna Ewa Justyna Renata Karolina Marta Dorota Beata"),
    men=_t("Piotr Tomasz Krzysztof Marcin Pawel Grzegorz Lukasz Marek Andrzej Rafal Robert Adrian Kamil"),
    surnames=_t(
        """
        Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski Wozniak
        Dabrowski Kozlowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Pawlak Michalski
        Krol Wieczorek Jablonski Wrobel Majewski Olszewski Nowicki Dudek Adamczyk Sikora
        """
    ),
    languages=(("Polish", 9), ("English", 1)),
    ethnicity="WOTH",
    child_english=0.55,
)

ROMANIAN = Origin(
    girls=_t("Maria Ioana Elena Andreea Bianca Daria Alina Sofia Ana Denisa Alexia Antonia Rebeca Sara Ariana"),
    boys=_t("Andrei Alexandru Stefan Mihai Ionut Gabriel David Luca Matei Darius Rares Eduard Sebastian Vlad"),
    women=_t("Mihaela Cristina Florentina Simona Elena Gabriela Loredana Nicoleta Roxana Adriana Camelia Georgiana"),
    men=_t("Ion Florin Marius Adrian Bogdan Constantin Catalin Cosmin Daniel Gheorghe Nicolae Ovidiu Razvan"),
    surnames=_t(
        """
        Popescu Ionescu Popa Radu Dumitru Stan Stoica Munteanu Constantin Gheorghe Rusu Matei Lazar
        Marin Ciobanu Barbu Tudor Florea Moldovan Ene Dinu Toma Enache Nistor
        """
    ),
    languages=(("Romanian", 9), ("English", 1)),
    ethnicity="WOTH",
    child_english=0.5,
)

PORTUGUESE = Origin(
    girls=_t("Beatriz Ines Leonor Lucia Matilde Mariana Carolina Francisca Margarida Alice Clara Sofia"),
    boys=_t("Tiago Rodrigo Joao Diogo Duarte Tomas Goncalo Martim Afonso Rafael Santiago Miguel"),
    women=_t("Paula Ana Sandra Carla Patricia Sonia Fatima Rosa Susana Cristina Teresa"),
    men=_t("Nuno Paulo Jose Antonio Carlos Rui Pedro Sergio Jorge Manuel Luis"),
    surnames=_t("Silva Santos Ferreira Pereira Costa Oliveira Rodrigues Martins Sousa Fernandes Goncalves Gomes Lopes"),
    languages=(("Portuguese", 8), ("English", 2)),
    ethnicity="WOTH",
    child_english=0.6,
)

UKRAINIAN = Origin(
    girls=_t("Sofiia Anastasiia Mariia Anna Viktoriia Yeva Polina Daryna Oleksandra Kateryna Veronika"),
    boys=_t("Oleksandr Maksym Artem Dmytro Mykyta Ivan Danylo Bohdan Matvii Andrii Kyrylo"),
    women=_t("Olena Iryna Tetiana Nataliia Oksana Svitlana Yuliia Halyna Liudmyla Inna"),
    men=_t("Andriy Serhiy Volodymyr Oleh Yurii Mykola Vasyl Ihor Taras Roman"),
    surnames=_t("Shevchenko Bondarenko Kovalenko Tkachenko Kravchenko Oliinyk Shevchuk Polishchuk Lysenko Marchenko"),
    languages=(("Ukrainian", 7), ("Russian", 2), ("English", 1)),
    ethnicity="WOTH",
    child_english=0.4,
)

ALBANIAN = Origin(
    girls=_t("Elira Anisa Ajla Era Sara Arta Dea Drita Besa Klea Amelia Rina"),
    boys=_t("Erion Arben Dren Luan Ardit Besart Endrit Klevis Leart Noel Ermal"),
    women=_t("Lindita Mirela Valbona Elona Fatjona Vjollca Blerta Shpresa Arjeta"),
    men=_t("Besnik Arben Ilir Gentian Fatmir Agron Bujar Dritan Ervin Sokol"),
    surnames=_t("Hoxha Krasniqi Gashi Berisha Shehu Kola Leka Dervishi Gjoka Meta Basha"),
    languages=(("Albanian", 8), ("English", 2)),
    ethnicity="WOTH",
    child_english=0.6,
)

ROMA = Origin(
    girls=_t("Denisa Simona Alexandra Nikola Viktoria Esmeralda Sabina Monika Patricia Vanesa Kristina Sara"),
    boys=_t("Denis Marek David Roman Patrik Robert Lukas Stefan Tibor Mario Samuel Erik"),
    women=_t("Maria Helena Renata Zaneta Silvia Ivana Jana Margita Anna Lenka"),
    men=_t("Jozef Milan Ladislav Frantisek Peter Miroslav Vladimir Josef Jan Karol"),
    surnames=_t("Horvath Balog Lakatos Kolompar Dudi Gabor Rostas Olah Sarkozi Kurej Zigo Demeter Lacatus"),
    languages=(("Romani", 5), ("Slovak", 2), ("Czech", 1), ("Romanian", 2)),
    ethnicity="WROM",
    child_english=0.45,
)

_SOUTH_ASIAN_MUSLIM_GIRLS = _t(
    """
    Aisha Zainab Maryam Fatima Hafsa Khadija Inaaya Aleena Hania Zara Amira Safa Sumaiya Ayesha
    Mehreen Eman Anaya Sana Hiba Noor Aliyah Iqra Mahnoor Alisha Laiba Huda Raheema
    """
)
_SOUTH_ASIAN_MUSLIM_BOYS = _t(
    """
    Muhammad Ibrahim Yusuf Ayaan Zayn Hamza Musa Haris Rayyan Ismail Bilal Umar Zakariya Saad Adam
    Rehan Arham Abdullah Ahmed Ali Hassan Zain Mikail Idris Harun Aryan
    """
)

PAKISTANI = Origin(
    girls=_SOUTH_ASIAN_MUSLIM_GIRLS,
    boys=_SOUTH_ASIAN_MUSLIM_BOYS,
    women=_t("Nazia Shabana Rubina Samina Nasreen Farzana Shazia Rukhsana Saima Tahira Nadia Sabina Uzma Fozia Amina"),
    men=_t("Tariq Imran Asif Shahid Zahid Nadeem Khalid Sajid Amjad Waqar Faisal Kamran Jamal Mohammed Rashid Usman"),
    surnames=_t(
        """
        Khan Hussain Ahmed Ali Shah Iqbal Akhtar Mahmood Rashid Butt Malik Mirza Qureshi Raja Chaudhry
        Anwar Aslam Bhatti Javed Saleem Yousaf Sadiq Nawaz Latif Rafiq Zaman
        """
    ),
    languages=(("Urdu", 5), ("Punjabi", 3), ("English", 3), ("Pashto", 1)),
    ethnicity="APKN",
    child_english=0.8,
)

BANGLADESHI = Origin(
    girls=_SOUTH_ASIAN_MUSLIM_GIRLS + _t("Tasnim Sadia Jannat Nusrat Tahmina Sumaiya Rumana"),
    boys=_SOUTH_ASIAN_MUSLIM_BOYS + _t("Tahmid Rafi Sami Shafiq Rayhan Nabil Tanvir"),
    women=_t("Shamima Rina Jasmin Salma Rehana Nasima Rokeya Shirin Hasina Momtaz Ferdousi"),
    men=_t("Mizanur Shahidul Abdul Jamal Anwar Kamal Monir Shah Aminul Rafiqul Habibur"),
    surnames=_t("Miah Rahman Uddin Islam Hoque Choudhury Karim Hossain Ahmed Ali Alam Sarkar Talukdar Haque"),
    languages=(("Bengali (Sylheti)", 6), ("Bengali", 2), ("English", 3)),
    ethnicity="ABAN",
    child_english=0.8,
)

INDIAN = Origin(
    girls=_t(
        """
        Priya Anika Diya Aarohi Isha Kavya Simran Jasleen Harleen Navneet Riya Meera Anjali Tara Asha
        Saanvi Ishani Manpreet Amrita Pooja Sahana Aanya Jaspreet Kiran
        """
    ),
    boys=_t(
        """
        Arjun Rohan Aarav Vihaan Dev Krish Jaspreet Gurpreet Harjit Karan Rahul Sahil Nikhil Aryan Ravi
        Veer Kabir Ishaan Jai Sukhdeep Arav Manveer Yuvraj Dhruv
        """
    ),
    women=_t("Sunita Anita Neelam Rajinder Parminder Kulwinder Pooja Rekha Bhavna Deepa Hema Jyoti Geeta Nisha Shilpa"),
    men=_t("Sanjay Rajesh Vijay Sunil Amrit Baljit Harpal Jaswinder Kuldip Manoj Ashok Deepak Rakesh Vikram Nitin"),
    surnames=_t(
        """
        Patel Sharma Mistry Chauhan Parmar Solanki Gill Sandhu Sidhu Dhillon Bains Johal Kumar Gupta
        Shah Desai Joshi Mehta Lad Rana Thakkar Pandya Chopra Bhatt Mann Virdi Kang Sahota Bhogal
        """
    ),
    languages=(("Gujarati", 4), ("Punjabi", 4), ("Hindi", 2), ("Tamil", 1), ("English", 4)),
    ethnicity="AIND",
    child_english=0.85,
)

OTHER_ASIAN = Origin(
    girls=_t("Tharsika Abisha Kavisha Sarani Mariel Angel Sita Laxmi Anushka Nisha Hadia Mahnoor Samira Janelle"),
    boys=_t("Kajan Nirujan Arun Bishal Sujan Ramesh Nabin Ahmad Farid Jerome Joshua Aarav Kiran Suman"),
    women=_t("Tharshini Vathani Kamala Maya Sunita Gita Maricel Rowena Jovelyn Marzia Shakila"),
    men=_t("Sivakumar Thayalan Kannan Dil Bikram Hari Rodel Jun Ariel Nasir Jawad"),
    surnames=_t(
        """
        Sivakumar Rajendran Thevarajah Gurung Rai Thapa Tamang Magar Limbu Reyes Santos Cruz Garcia
        Bautista Mendoza Ahmadi Hakimi Nazari Rahimi
        """
    ),
    languages=(("Tamil", 3), ("Nepali", 3), ("Tagalog", 2), ("Dari", 2), ("Pashto", 1), ("English", 3)),
    ethnicity="AOTH",
    child_english=0.75,
)

WEST_AFRICAN = Origin(
    girls=_t(
        """
        Amara Chidinma Adaeze Ayomide Precious Blessing Favour Esther Grace Abena Akosua Ama Efua
        Adunni Oluwatoyin Tolu Ife Chioma Ewurabena Nana Divine Deborah Zion Temi
        """
    ),
    boys=_t(
        """
        Chinedu Emeka Tobi Oluwaseun David Daniel Samuel Kwame Kofi Kwabena Yaw Kojo Ayo Tunde
        Chidi Nnamdi Ebuka Femi Joel Jeremiah Elijah Joshua Emmanuel Michael
        """
    ),
    women=_t("Ngozi Funmilayo Adeola Abimbola Yetunde Comfort Gifty Patience Chioma Bukola Mercy Akua Adwoa Folake"),
    men=_t("Olumide Adebayo Chukwuemeka Babatunde Femi Kwesi Kojo Emmanuel Joseph Peter Segun Kelechi Obinna"),
    surnames=_t(
        """
        Okafor Adeyemi Okonkwo Balogun Eze Nwosu Olawale Adewale Ogunleye Mensah Asante Boateng Owusu
        Osei Appiah Agyeman Afolabi Oyelaran Ibrahim Adebisi Okoro Onyeka Amankwah Darko Nwachukwu
        """
    ),
    languages=(("English", 6), ("Yoruba", 2), ("Igbo", 2), ("Twi", 2)),
    ethnicity="BAFR",
    child_english=0.95,
)

EAST_AFRICAN = Origin(
    girls=_t("Hodan Ifrah Sagal Hibo Ruth Tsion Selam Nyasha Tendai Chipo Amal Ayaan Fardowsa Hanna Luwam"),
    boys=_t("Abdirahman Mohamed Abdi Yonas Dawit Tinashe Tatenda Tanaka Junior Exauce Moses Isaac Liban Robel"),
    women=_t("Faduma Asha Hawa Saba Senait Rudo Tsitsi Mercy Sahra Hamdi Rahel Chiedza Nyasha Merveille"),
    men=_t("Abdullahi Hassan Omar Tesfaye Berhane Farai Tafadzwa Godfrey Mustafa Abdikarim Kidane Tawanda"),
    surnames=_t(
        """
        Mohamed Abdi Hassan Farah Warsame Ali Osman Tesfay Gebremedhin Haile Berhe Moyo Ncube Dube
        Chikwanha Mukendi Kabongo Banda Phiri Mutasa Ilunga Yusuf
        """
    ),
    languages=(("English", 4), ("Somali", 3), ("Tigrinya", 2), ("Shona", 2), ("French", 1), ("Lingala", 1)),
    ethnicity="BAFR",
    child_english=0.85,
)

CARIBBEAN = Origin(
    girls=_t("Jada Shanice Tia Nia Kayla Imani Amelia Zoe Shantel Aaliyah Keisha Destiny Chanel Serena Maya"),
    boys=_t("Tyrese Jermaine Kai Jayden Malachi Reuben Marcus Isaiah Elijah Kemar Andre Tyler Micah Jordan"),
    women=_t("Marcia Paulette Sonia Beverley Yvonne Donna Claudette Natasha Simone Sharlene Jacqueline Andrea"),
    men=_t("Delroy Winston Everton Leon Marlon Devon Clive Trevor Errol Desmond Carlton Junior Dwayne"),
    surnames=_t(
        """
        Campbell Williams Brown Thomas Morgan Henry Francis Samuels Johnson Edwards Bailey Grant Reid
        Gordon Clarke Richards Lewis Blake Forbes Wright Powell McKenzie Sinclair Simpson Barrett Spence
        """
    ),
    languages=(("English", 1),),
    ethnicity="BCRB",
)

CHINESE = Origin(
    girls=_t("Mei Xinyi Yuxin Jia Lin Hui Ying Wing Evelyn Chloe Yan Shu Ka-Yee Zoe"),
    boys=_t("Hao Jun Wei Yichen Zihan Kit Ming Jason Kelvin Ethan Ryan Hong Yu Chun"),
    women=_t("Xiaoling Yan Mandy Winnie Karen Li Fang Jing Hong Suet Ling"),
    men=_t("Jian Qiang Kwok Wai Chi Raymond Stanley Feng Gang Ho"),
    surnames=_t("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Chan Wong Cheung Lau Ng Leung Ho Tang Yip Lam"),
    languages=(("Cantonese", 4), ("Mandarin", 4), ("English", 3)),
    ethnicity="CHNE",
    child_english=0.75,
)

MIDDLE_EASTERN = Origin(
    girls=_t("Layla Noor Rania Yasmin Lana Shilan Dilan Roza Parisa Zahra Elif Zeynep Maya Sidra Hevin"),
    boys=_t("Omar Ali Karim Youssef Ahmad Rebwar Aram Reza Amir Emir Mustafa Kerem Zana Hussein Rayan"),
    women=_t("Huda Samira Amal Hana Nasrin Shirin Fatemeh Gulbahar Aylin Ayse Rasha Souad Nazanin"),
    men=_t("Khaled Mahmoud Rizgar Hemin Hossein Mehdi Farhad Mehmet Hasan Ibrahim Ayman Sherzad Nawzad"),
    surnames=_t(
        """
        Haddad Mansour Khalil Nasser Saleh Ahmadi Hosseini Rezaei Karimi Mohammadi Abdullah Aziz
        Rashid Yilmaz Kaya Demir Celik Arslan Mahmoudi Hamad Qadir Salih Omer
        """
    ),
    languages=(("Arabic", 4), ("Kurdish (Sorani)", 3), ("Farsi", 2), ("Turkish", 2), ("English", 2)),
    ethnicity="OOTH",
    child_english=0.65,
)

ORIGINS: dict[str, Origin] = {
    "british": BRITISH,
    "irish": IRISH,
    "traveller": TRAVELLER,
    "polish": POLISH,
    "romanian": ROMANIAN,
    "portuguese": PORTUGUESE,
    "ukrainian": UKRAINIAN,
    "albanian": ALBANIAN,
    "roma": ROMA,
    "pakistani": PAKISTANI,
    "bangladeshi": BANGLADESHI,
    "indian": INDIAN,
    "other_asian": OTHER_ASIAN,
    "west_african": WEST_AFRICAN,
    "east_african": EAST_AFRICAN,
    "caribbean": CARIBBEAN,
    "chinese": CHINESE,
    "middle_eastern": MIDDLE_EASTERN,
}

#: For each child ethnicity code: the (mother's origin, father's origin, weight) options.
#: A mixed-heritage child has parents of two origins.
ETHNICITY_ORIGINS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "WBRI": (("british", "british", 1),),
    "WIRI": (("irish", "irish", 3), ("irish", "british", 2), ("british", "irish", 2)),
    "WIRT": (("traveller", "traveller", 1),),
    "WOTH": (
        ("polish", "polish", 38),
        ("romanian", "romanian", 24),
        ("portuguese", "portuguese", 12),
        ("ukrainian", "ukrainian", 10),
        ("albanian", "albanian", 8),
        ("polish", "british", 8),
    ),
    "WROM": (("roma", "roma", 1),),
    "MWBC": (("british", "caribbean", 7), ("caribbean", "british", 3)),
    "MWBA": (("british", "west_african", 5), ("british", "east_african", 3), ("west_african", "british", 2)),
    "MWAS": (
        ("british", "pakistani", 4),
        ("british", "indian", 3),
        ("british", "bangladeshi", 1),
        ("indian", "british", 2),
    ),
    "MOTH": (
        ("british", "middle_eastern", 3),
        ("british", "chinese", 1),
        ("british", "other_asian", 2),
        ("polish", "caribbean", 1),
        ("romanian", "british", 1),
        ("caribbean", "west_african", 1),
        ("british", "portuguese", 1),
    ),
    "AIND": (("indian", "indian", 1),),
    "APKN": (("pakistani", "pakistani", 1),),
    "ABAN": (("bangladeshi", "bangladeshi", 1),),
    "AOTH": (("other_asian", "other_asian", 1),),
    "BCRB": (("caribbean", "caribbean", 1),),
    "BAFR": (("west_african", "west_african", 6), ("east_african", "east_african", 5)),
    "BOTH": (("west_african", "caribbean", 1), ("caribbean", "east_african", 1), ("east_african", "east_african", 1)),
    "CHNE": (("chinese", "chinese", 1),),
    "OOTH": (("middle_eastern", "middle_eastern", 1),),
    "REFU": (("british", "british", 6), ("polish", "polish", 1), ("middle_eastern", "middle_eastern", 1)),
    "NOBT": (("british", "british", 5), ("romanian", "romanian", 1), ("east_african", "east_african", 1)),
}

#: Ethnicity of children in need in an English county, in percent (roughly: DfE CIN figures for
#: shire counties). Sizes may override single codes.
CHILD_ETHNICITY_WEIGHTS: dict[str, float] = {
    "WBRI": 72.0,
    "WIRI": 0.4,
    "WIRT": 0.6,
    "WOTH": 5.5,
    "WROM": 0.8,
    "MWBC": 2.8,
    "MWBA": 1.2,
    "MWAS": 1.8,
    "MOTH": 2.6,
    "AIND": 1.2,
    "APKN": 3.0,
    "ABAN": 0.8,
    "AOTH": 0.9,
    "BCRB": 0.6,
    "BAFR": 2.2,
    "BOTH": 0.5,
    "CHNE": 0.2,
    "OOTH": 1.4,
    "REFU": 0.4,
    "NOBT": 1.3,
}

#: Origins of the workforce (social care staff are a little more diverse than the county).
STAFF_ORIGIN_WEIGHTS: dict[str, float] = {
    "british": 64,
    "irish": 3,
    "west_african": 7,
    "east_african": 5,
    "caribbean": 5,
    "pakistani": 4,
    "indian": 5,
    "bangladeshi": 1,
    "polish": 2,
    "portuguese": 1,
    "romanian": 1,
    "chinese": 1,
    "middle_eastern": 1,
}


def feminine_surname(surname: str) -> str:
    """Polish surnames ending -ski/-cki/-dzki take -ska/-cka/-dzka for women and girls."""
    if surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    return surname


def masculine_surname(surname: str) -> str:
    """The form of a surname passed on to a child (undoes feminine_surname)."""
    if surname.endswith(("ska", "cka", "dzka")):
        return surname[:-1] + "i"
    return surname


# ---------------------------------------------------------------------------
# Places: fictional districts and towns, with postcode districts in the "XL" area.
# ---------------------------------------------------------------------------

#: (district, towns). The first district's towns are the demo's "North" patch, the second's "South".
DISTRICTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Lanterby", ("Lanterby", "Kestrel Moor", "Hollinbrook")),
    ("Wrenfield", ("Wrenfield", "Saltmarsh Ferry", "Oakhallow")),
    ("Brackendale", ("Brackenford", "Thistlewick", "Cindermoor")),
    ("Marrowvale", ("Marrowby", "Fennick Cross", "Gorsehill")),
    ("Eskerby", ("Eskerby", "Copperlow", "Netherwick Green")),
    ("Harrowmere", ("Harrowmere", "Sedgecote", "Quarrybank End")),
    ("Ravensholt", ("Ravensholt", "Millbeck Bridge", "Ashcombe Edge")),
    ("Sallowfield", ("Sallowfield", "Tumblecross", "Larkrise Fold")),
    ("Dunmarsh", ("Dunmarsh", "Pebbleford", "Seacole Bay")),
    ("Thornwick", ("Thornwick", "Gildersby", "Brockhollow")),
    ("Caddisford", ("Caddisford", "Whinmoor Top", "Elderslow")),
    ("Fernleigh", ("Fernleigh Sands", "Wickhamstow", "Bramblecote")),
)

#: Fictional towns outside the authority, for families who move away.
OUT_OF_AREA_TOWNS: tuple[str, ...] = ("Greymouth", "Calderwyke", "Portlinnet", "Stavebury", "Northope Vale")

#: Letters allowed in the last two characters of a postcode.
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

STREET_STEMS = _t(
    """
    Mill Church Station Victoria Albert Queen King Park Chapel School Spring Bridge Hill Moor Brook
    Meadow Orchard Willow Beech Ash Oak Rowan Hawthorn Elm Cedar Holly Heather Fern Primrose Bluebell
    Foxglove Clover Larch Birch Poplar Sycamore Hazel Juniper Lilac Laburnum Cherry Canal Wharf Lock
    Weaver Cotton Loom Spindle Foundry Forge Tannery Quarry Colliery Harbour Quay Cliff Dune Shore
    Beacon Mariner Kiln Windmill Granary Barley Wheatfield Hopfield Oast Blackthorn Kingfisher Heron
    Swallow Skylark Curlew Plover Fieldfare Greenacre Highfield Longacre Westfield Eastway Northgate
    Southgate Glebe Parsonage Vicarage Manor Grange Abbey Priory Castle Market Chandler Cooper Tanner
    """
)
STREET_SUFFIXES = _t(
    "Street Road Lane Avenue Close Drive Way Grove Crescent Court Gardens Terrace Walk Rise View Place Mews Fold Row"
)
BUILDING_NAMES = _t(
    """
    Beacon Harbour Mill Weaver Foundry Kingfisher Heron Orchard Willow Chandler Granary Quayside
    Riverside Parkside Hillside Meadow Canal Lantern Bramble Juniper
    """
)

#: Made-up schools, for contact names.
SCHOOL_NAMES: tuple[str, ...] = (
    "Moorside Primary School",
    "Brookfield Academy",
    "Oakhallow Community Primary",
    "St Aidan's CE Primary",
    "Lanterby High School",
    "Wrenfield Academy",
    "Highfield Junior School",
    "Ashgrove Infant School",
    "Northgate College",
    "Riverside Primary School",
    "Kestrel Moor Academy",
    "Copperlow Primary School",
)
